"""`python -m player export | report | sync`: argument parsing for the results commands, one function each."""

import argparse
import sys
from pathlib import Path

NAMES = ("export", "report", "sync")


def add_parsers(commands) -> None:
    export = commands.add_parser("export", help="write this PC's results to a folder (e.g. a USB stick)")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the results file into")
    report = commands.add_parser("report", help="merge results files into an offline report with CSV files")
    report.add_argument("inputs", nargs="+", type=Path, metavar="FILE_OR_DIR", help="results files or folders of them")
    report.add_argument("-o", "--out", type=Path, required=True, metavar="REPORT_DIR", help="folder for index.html and CSV")
    report.add_argument("--lang", default="vi", help="language of the report (default vi; en for English)")
    sync = commands.add_parser("sync", help="send new statements to an xAPI Learning Record Store")
    sync.add_argument("--lrs", metavar="URL", help="the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/")
    sync.add_argument("--user", help="user name (basic authentication)")
    sync.add_argument("--password", help="password (or set TRAMHOC_LRS_PASSWORD); saved for the next sync")
    sync.add_argument("--batch", type=_positive, default=100, help="statements per request (default 100)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(args: argparse.Namespace) -> int:
    if args.command == "report":
        return _report(args)
    from player.app import create_app
    from player.web.services import services

    app = create_app(args.data)
    if args.command == "export":
        return _export(services(app).statements, args.out)
    return _sync(services(app), args)


def _export(source, folder: Path) -> int:
    from player.results.export import export_results

    try:
        exported = export_results(source, folder)
    except OSError as error:
        print(f"cannot write to {folder}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"exported {exported.statements} statements to {exported.path}")
    return 0


def _report(args) -> int:
    from player.results.report import build_report
    from player.web.i18n import Language

    try:
        lang = Language(args.lang)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        report = build_report(args.inputs, args.out, args.lang)
    except OSError as error:
        print(f"cannot write the report to {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    left_out = lang.gettext("skipped")
    for skipped in report.log.skipped:
        print(f"{skipped.path}: {left_out}: {lang.gettext(skipped.message, **skipped.params)}", file=sys.stderr)
    for problem in report.log.problems:
        print(problem, file=sys.stderr)
    counted = report.log.statements - report.log.duplicates - report.log.invalid
    print(f"{len(report.log.files)} files read, {len(report.log.skipped)} skipped, {counted} statements counted "
          f"({report.log.duplicates} duplicates, {report.log.invalid} invalid): {report.folder / 'index.html'}")
    return 0 if report.log.files else 1


def _sync(made, args) -> int:
    from player.results.sync import run_sync_command

    return run_sync_command(made.paths, made.statements, args.lrs, args.user, args.password, args.batch)
