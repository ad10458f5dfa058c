"""`python -m player export | report | sync`: argument parsing for the results commands, one function each.
`report` needs no data folder; `export` and `sync` (NAMES) work on one."""

import argparse
import sys
from datetime import date
from pathlib import Path

NAMES = ("export", "sync")


def add_parsers(commands) -> None:
    export = commands.add_parser("export", help="write this PC's results to a folder (e.g. a USB stick)")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the results file into")
    report = commands.add_parser("report", help="merge results files into an offline report with CSV files")
    report.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_DIR", help="results files or folders of them")
    report.add_argument("-o", "--out", type=Path, required=True, metavar="REPORT_DIR", help="folder for index.html and CSV")
    report.add_argument("--lang", default="vi", help="language of the report (default vi; en for English)")
    report.add_argument("--timezone", default="Asia/Ho_Chi_Minh", metavar="ZONE",
                        help="the centres' time zone, for the times shown (default Asia/Ho_Chi_Minh)")
    report.add_argument("--codes", action="store_true", help="learners by code instead of name, to share the report")
    report.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="classes held from this day on")
    report.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="classes held up to this day")
    sync = commands.add_parser("sync", help="send new statements to an xAPI Learning Record Store")
    sync.add_argument("--lrs", metavar="URL", help="the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/")
    sync.add_argument("--user", help="user name (basic authentication)")
    sync.add_argument("--password", help="password (or set TRAMHOC_LRS_PASSWORD); saved for the next sync")
    sync.add_argument("--batch", type=_positive, default=100, help="statements per request (default 100)")


def _day(text: str) -> str:
    """A day as `YYYY-MM-DD`."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2025-10-01") from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(made, args: argparse.Namespace, lang) -> int:
    """`export` or `sync` over a player's services, messages in `lang` (a player.web.i18n.Language)."""
    if args.command == "export":
        return _export(made.statements, args.out, lang)
    from player.results.sync import run_sync_command

    return run_sync_command(made.paths, made.statements, args.lrs, args.user, args.password, args.batch, lang=lang)


def _export(source, folder: Path, lang) -> int:
    from player.results.export import export_results
    from player.web.errors import os_problem

    try:
        exported = export_results(source, folder)
    except OSError as error:
        problem = os_problem(error)
        print(lang.gettext("Cannot write to %(place)s: %(reason)s", place=folder, reason=problem.text(lang.gettext))
              + f" ({problem.detail})", file=sys.stderr)
        return 1
    print(lang.ngettext("Exported %(num)d learning record to %(file)s", "Exported %(num)d learning records to %(file)s",
                        exported.statements, file=exported.path))
    return 0


def report(args: argparse.Namespace) -> int:
    """`report`: merge results files into a report, messages in the report's language."""
    from player.results.report import build_report, report_zone
    from player.web.errors import os_problem
    from player.web.i18n import Language

    try:
        lang = Language(args.lang)
        report_zone(args.timezone)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        report = build_report(args.inputs, args.out, args.lang, zone_name=args.timezone, codes=args.codes,
                              since=args.since, until=args.until)
    except OSError as error:
        problem = os_problem(error)
        print(lang.gettext("Cannot write the report to %(place)s: %(reason)s", place=args.out,
                           reason=problem.text(lang.gettext)) + f" ({problem.detail})", file=sys.stderr)
        return 1
    left_out = lang.gettext("skipped")
    for skipped in report.log.skipped:
        print(f"{skipped.path}: {left_out}: {skipped.problem.text(lang.gettext)}", file=sys.stderr)
    for problem in report.log.problems:
        print(problem, file=sys.stderr)
    counted = report.log.statements - report.log.duplicates - report.log.invalid
    print(lang.gettext("%(files)d files read, %(skipped)d skipped, %(counted)d records counted (%(duplicates)d "
                       "duplicates, %(invalid)d invalid): %(page)s", files=len(report.log.files),
                       skipped=len(report.log.skipped), counted=counted, duplicates=report.log.duplicates,
                       invalid=report.log.invalid, page=report.folder / "index.html"))
    return 0 if report.log.files else 1
