"""Errors raised while reading, verifying or writing a bundle, or reading a publisher key file."""


class BundleError(Exception):
    """A bundle is malformed, unsafe or has been changed; the message says how, for a person."""


class KeyFileError(Exception):
    """A publisher key file is missing, malformed or needs another passphrase; the message is for a person."""
