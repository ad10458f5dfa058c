"""A publisher's signing key for the builder: make a key pair, or load the key a build signs with."""

import getpass
import sys
from pathlib import Path

from builder.i18n import _
from courses.errors import KeyFileError
from courses.keys import (
    SigningKey, generate, load_signing_key, private_key_is_encrypted, readable_by_others, write_key_pair,
)

MIN_PASSPHRASE_LENGTH = 12


class PassphraseError(Exception):
    """No usable passphrase was given; the message says what to do."""


def make_key_pair(folder: Path, publisher: str, passphrase: bytes | None) -> tuple[SigningKey, Path, Path]:
    """Generate a publisher key pair and write its two files into folder."""
    key = generate(publisher)
    private_path, public_path = write_key_pair(key, folder, passphrase)
    return key, private_path, public_path


def signing_key(path: Path, passphrase_file: Path | None, force: bool = False,
                warn=lambda message: print(_("warning: %(message)s") % {"message": message}, file=sys.stderr)
                ) -> SigningKey:
    """Load the private key a build signs with, asking for its passphrase on a terminal when needed.

    A key file other users can read is refused (KeyFileError) unless `force`, then signed with a warning;
    a key without a passphrase is signed with a warning."""
    encrypted = private_key_is_encrypted(path)
    if readable_by_others(path):
        exposed = (_("%(path)s can be read by other users of this computer (mode %(mode)s): make it private with "
                     "`chmod 600 %(path)s`") % {"path": path, "mode": f"{Path(path).stat().st_mode & 0o777:o}"})
        if not force:
            raise KeyFileError(_("%(problem)s, or give --force to sign anyway") % {"problem": exposed})
        warn(exposed)
    if not encrypted:
        warn(_("%(path)s has no passphrase: anyone who copies the file can sign courses in its publisher's name")
             % {"path": path})
    passphrase = None
    if encrypted:
        if passphrase_file:
            passphrase = read_passphrase_file(passphrase_file)
        elif sys.stdin.isatty():
            passphrase = getpass.getpass(_("Passphrase for %(path)s: ") % {"path": path}).encode("utf-8")
        else:
            raise KeyFileError(_("%(path)s: this key is protected by a passphrase; give --passphrase-file FILE")
                               % {"path": path})
    return load_signing_key(path, passphrase)


def new_passphrase(passphrase_file: Path | None, no_passphrase: bool) -> bytes | None:
    """The passphrase for a new private key: from a file, typed twice on a terminal, or none when asked."""
    if no_passphrase:
        return None
    if passphrase_file:
        passphrase = read_passphrase_file(passphrase_file)
    elif sys.stdin.isatty():
        passphrase = getpass.getpass(_("Passphrase for the new private key: ")).encode("utf-8")
        if getpass.getpass(_("The same passphrase again: ")).encode("utf-8") != passphrase:
            raise PassphraseError(_("the two passphrases differ; nothing was written"))
    else:
        raise PassphraseError(_("give --passphrase-file FILE, or --no-passphrase to protect the key by file "
                                "permissions only"))
    if len(passphrase.decode("utf-8")) < MIN_PASSPHRASE_LENGTH:
        raise PassphraseError(_("the passphrase is shorter than %(count)s characters; use a few unrelated words")
                              % {"count": MIN_PASSPHRASE_LENGTH})
    return passphrase


def read_passphrase_file(path: Path) -> bytes:
    """The first line of a passphrase file, without its line ending."""
    try:
        lines = Path(path).read_bytes().splitlines()
    except OSError as error:
        raise PassphraseError(_("%(path)s: cannot read the passphrase file (%(reason)s)")
                              % {"path": path, "reason": error.strerror or error}) from None
    if not lines or not lines[0]:
        raise PassphraseError(_("%(path)s: the passphrase file is empty") % {"path": path})
    return lines[0]
