"""`python -m player trust add|list|remove`: the trust store from the command line."""

import sys

from courses.errors import KeyFileError
from courses.keys import format_fingerprint, load_public_key
from player.library.trust import TrustError, TrustStore


def run(store: TrustStore, args) -> int:
    """Run one trust subcommand; problems are printed as one clear line, exit status 1."""
    try:
        if args.trust_command == "add":
            entry = store.add(load_public_key(args.keyfile), args.name)
            print(f"now trusting “{entry.name}”\n  fingerprint: {format_fingerprint(entry.fingerprint)}\n"
                  "Check that this fingerprint is the one the publisher gave you in person, by phone or in an "
                  "official letter; if not, remove it at once.")
        elif args.trust_command == "list":
            entries = store.publishers()
            for entry in entries:
                print(f"{format_fingerprint(entry.fingerprint)}\t{entry.name}\t(added {entry.added})")
            if not entries:
                print("no trusted publishers yet (add one with: python -m player trust add PUBLISHER.pub)")
        else:
            entry = store.remove(" ".join(args.fingerprint))
            print(f"no longer trusting “{entry.name}” ({format_fingerprint(entry.fingerprint)}); its courses "
                  "are now shown as unverified")
    except (KeyFileError, TrustError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0
