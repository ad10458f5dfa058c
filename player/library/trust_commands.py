"""`python -m player trust add|list|remove`: the trust store from the command line."""

import sys

from courses.errors import KeyFileError
from courses.keys import format_fingerprint, load_public_key
from player.library.trust import TrustError, TrustStore
from player.web.i18n import Language


def run(store: TrustStore, args, lang: Language) -> int:
    """Run one trust subcommand; problems are printed as one clear line (and its detail), exit status 1."""
    try:
        if args.trust_command == "add":
            entry = store.add(load_public_key(args.keyfile), args.name)
            print(lang.gettext("Now trusting “%(name)s”", name=entry.name))
            print(lang.gettext("  fingerprint: %(fingerprint)s", fingerprint=format_fingerprint(entry.fingerprint)))
            print(lang.gettext("Check that this fingerprint is the one the publisher gave you in person, by phone or "
                               "in an official letter; if not, remove it at once."))
        elif args.trust_command == "list":
            entries = store.publishers()
            for entry in entries:
                added = lang.gettext("(added %(when)s)", when=entry.added)
                print(f"{format_fingerprint(entry.fingerprint)}\t{entry.name}\t{added}")
            if not entries:
                print(lang.gettext("No trusted publishers yet (add one with: python -m player trust add "
                                   "PUBLISHER.pub)"))
        else:
            entry = store.remove(" ".join(args.fingerprint))
            print(lang.gettext("No longer trusting “%(name)s” (%(fingerprint)s); its courses are now shown as "
                               "unverified.", name=entry.name, fingerprint=format_fingerprint(entry.fingerprint)))
    except KeyFileError as error:
        print(lang.gettext("%(file)s: this is not a publisher key file (.pub) that can be used.", file=args.keyfile)
              + f"\n  ({error})", file=sys.stderr)
        return 1
    except TrustError as error:
        print(error.problem.text(lang.gettext) + (f"\n  ({error.problem.detail})" if error.problem.detail else ""),
              file=sys.stderr)
        return 1
    return 0
