"""The trainers' commands of `python -m builder`: new, preview and export-scorm.

`new` is the builder's own. `preview` and `export-scorm` need the player too (its pages, styles and
translations), so they live in the `authoring` package and are imported only when they run: `check`,
`build` and `watch` never load the player (tests/test_architecture.py holds both rules).
"""

import argparse
import sys
from pathlib import Path

from builder.i18n import _
from builder.new import NewCourse, NewCourseError, check_target, new_course

COMMANDS = ("new", "preview", "export-scorm")
DEFAULT_PORT = 8700


def add_commands(commands, default_out: Path) -> None:
    """Add the trainers' subcommands to the builder's argument parser."""
    new = commands.add_parser("new", help=_("make a new course folder that builds at once (asks for what is not "
                                            "given)"))
    new.add_argument("course_dir", type=Path, metavar="content/ID", help=_("a new or empty folder; its name is the id"))
    new.add_argument("--title", help=_("the course title"))
    new.add_argument("--language", help=_("the course language, a BCP 47 code (default vi)"))
    new.add_argument("--author", help=_("the author's or team's name"))
    preview = commands.add_parser("preview", help=_("show the course in the browser as the player shows it, "
                                                    "reloaded on every save (Ctrl+C stops)"))
    preview.add_argument("course_dir", type=Path)
    preview.add_argument("--port", type=int, default=DEFAULT_PORT,
                         help=_("port on 127.0.0.1 (default %(port)s; 0 picks a free one)") % {"port": DEFAULT_PORT})
    preview.add_argument("--no-browser", action="store_true", help=_("do not open the browser"))
    preview.add_argument("--editor-url", metavar="TEMPLATE", default=None,
                         help=_("link of a problem's path:line, with {path} and {line} (default: "
                                "vscode://file/{path}:{line}; '' for plain text)"))
    scorm = commands.add_parser("export-scorm", help=_("write OUT/<id>-<version>-scorm12.zip for an online LMS"))
    scorm.add_argument("course_dir", type=Path)
    scorm.add_argument("-o", "--out", type=Path, default=default_out, help=_("output folder (default: dist)"))
    for command in (preview, scorm):
        command.add_argument("-q", "--quiet", action="store_true", help=_("no progress output"))


def run(args: argparse.Namespace) -> int:
    """Run one of COMMANDS; returns the exit status."""
    if args.command == "new":
        return _new(args)
    if not args.course_dir.is_dir():
        print(_("%(folder)s: not a course folder") % {"folder": args.course_dir}, file=sys.stderr)
        return 2
    if args.command == "preview":
        from authoring.preview_command import preview_command

        return preview_command(args.course_dir, args.port, not args.no_browser, args.editor_url, args.quiet)
    from authoring.scorm.command import export_command

    return export_command(args.course_dir, args.out, args.quiet)


def _new(args: argparse.Namespace) -> int:
    ask = sys.stdin.isatty()
    try:
        check_target(args.course_dir)  # before asking anything
        language = _choice(args.language, _("Course language (vi, en…)"), "vi", ask)
        untitled = "Khoá học mới" if language.split("-")[0].lower() == "vi" else "New course"  # the course's language
        choices = NewCourse(title=_choice(args.title, _("Course title"), untitled, ask),
                            language=language, author=_choice(args.author, _("Author"), "", ask))
        written = new_course(args.course_dir, choices)
    except NewCourseError as error:
        print(error, file=sys.stderr)
        return 2
    except (OSError, EOFError, KeyboardInterrupt) as error:
        print(_("%(folder)s: nothing was written (%(reason)s)") % {"folder": args.course_dir,
                                                                   "reason": error or _("cancelled")}, file=sys.stderr)
        return 2
    print(_("wrote %(folder)s: %(files)s") % {"folder": args.course_dir,
                                              "files": ", ".join(path.as_posix() for path in written)})
    print(_("next: python -m builder preview %(folder)s   (guide: docs/authoring.md)") % {"folder": args.course_dir})
    return 0


def _choice(given: str | None, question: str, default: str, ask: bool) -> str:
    if given is not None or not ask:
        return default if given is None else given
    shown = f" [{default}]" if default else ""
    answer = input(f"{question}{shown}: ").strip()
    return answer or default
