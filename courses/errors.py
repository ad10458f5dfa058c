"""Errors raised while reading, verifying or writing a bundle."""


class BundleError(Exception):
    """A bundle is malformed, unsafe or has been changed; the message says how, for a person."""
