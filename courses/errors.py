"""Errors raised while reading, verifying or writing a bundle, or reading a publisher key file."""


class BundleError(Exception):
    """A bundle is malformed, unsafe or has been changed; the message says how (in English: the player
    shows its own words to learners and admins, with this message as the technical detail)."""


class UnsupportedFormat(BundleError):
    """A bundle of a format version this code does not read (made by a newer builder, most likely)."""

    def __init__(self, message: str, found: int, supported: int):
        super().__init__(message)
        self.found, self.supported = found, supported


class KeyFileError(Exception):
    """A publisher key file is missing, malformed or needs another passphrase; the message is for a person (in
    English, a courses.messages.Message, which the builder shows in the trainer's language)."""
