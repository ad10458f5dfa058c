"""The command line's argument parser in the builder's language: argparse's own words (usage, the option
groups, -h) through the builder's catalog, so `--help` reads in Vietnamese or English like every message.

The language must be chosen before the parser is made (`asked_language` finds `--lang` first); argparse's
reasons for refusing arguments ("invalid choice", …) stay English.
"""

import argparse
import sys

from builder.i18n import _


def asked_language(argv: list[str]) -> str | None:
    """The value of `--lang` among the arguments, if given (read before the real parsing)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    return early.parse_known_args(argv)[0].lang


class Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser (and, through add_subparsers, its subcommands) whose help is in the chosen language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title, self._optionals.title = _("positional arguments"), _("options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=_("show this help message and exit"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, _("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message})
