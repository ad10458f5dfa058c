"""The tramhoc player: a Flask app that serves installed course bundles, in a window or a browser."""

__version__ = "0.1.0"
