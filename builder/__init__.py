"""The tramhoc builder: compiles a course folder of Markdown into one verified offline bundle."""

__version__ = "0.1.0"
GENERATOR = f"tramhoc-builder {__version__}"
