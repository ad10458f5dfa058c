"""`python -m player export | report | sync`: argument parsing for the results commands, one function each.
`report` (from results files, or `--lrs` straight from an LRS) needs no data folder; `export` and `sync`
(NAMES) work on one."""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

NAMES = ("export", "sync")


def add_parsers(commands) -> None:
    export = commands.add_parser("export", help="write this PC's results to a folder (e.g. a USB stick)")
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the results file into")
    report = commands.add_parser("report", help="merge results files (or an LRS's statements) into an offline "
                                 "report with CSV files")
    report.add_argument("inputs", nargs="*", type=Path, metavar="FILE_OR_DIR", help="results files or folders of them")
    report.add_argument("-o", "--out", type=Path, required=True, metavar="REPORT_DIR", help="folder for index.html and CSV")
    report.add_argument("--lang", default="vi", help="language of the report (default vi; en for English)")
    report.add_argument("--timezone", default="Asia/Ho_Chi_Minh", metavar="ZONE",
                        help="the centres' time zone, for the times shown (default Asia/Ho_Chi_Minh)")
    report.add_argument("--codes", action="store_true", help="learners by code instead of name, to share the report")
    report.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                        help="classes held from this day on (with --lrs: only the statements from this day on)")
    report.add_argument("--until", type=_day, metavar="YYYY-MM-DD",
                        help="classes held up to this day (with --lrs: only the statements up to this day)")
    lrs = report.add_argument_group("straight from an LRS (instead of results files)")
    lrs.add_argument("--lrs", metavar="URL", help="the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/")
    lrs.add_argument("--user", help="user name (basic authentication)")
    lrs.add_argument("--password", help="password; better: set TRAMHOC_LRS_PASSWORD, or type it when asked")
    lrs.add_argument("--resume", action="store_true", help="go on with a read that was stopped (same options)")
    lrs.add_argument("--page-size", type=_positive, default=500, metavar="N",
                     help="statements asked for per request (default 500; the LRS may send fewer)")
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
    """`report`: merge results files (or read an LRS) into a report, messages in the report's language."""
    from player.results.report import build_report, report_zone
    from player.web.errors import os_problem
    from player.web.i18n import Language

    try:
        lang = Language(args.lang)
        report_zone(args.timezone)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if bool(args.inputs) == bool(args.lrs):
        print(lang.gettext("report: give results files or folders, or --lrs URL (not both)"), file=sys.stderr)
        return 2
    try:
        if args.lrs:
            return _report_from_lrs(args, lang)
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


def _report_from_lrs(args: argparse.Namespace, lang) -> int:
    """`report --lrs`: read the LRS's statements into the report, with progress on stderr; a read stopped by
    a network problem or Ctrl+C is kept for `--resume`."""
    import getpass

    from player.results.lrs import LrsClient, LrsError, RunControl, lrs_problem
    from player.results.lrsread import build_lrs_report
    from player.results.sync import PASSWORD_VARIABLE

    password = args.password or os.environ.get(PASSWORD_VARIABLE)
    if password is None and args.user is not None and sys.stdin.isatty():
        password = getpass.getpass(lang.gettext("Password for %(user)s at the LRS: ", user=args.user))
    if args.user is None or password is None:
        print(lang.gettext("report: give --user and --password (or %(variable)s) with --lrs",
                           variable=PASSWORD_VARIABLE), file=sys.stderr)
        return 2
    try:
        client = LrsClient(args.lrs, args.user, password, control=RunControl(None))
    except LrsError as error:
        print(error, file=sys.stderr)
        return 2

    def show(done) -> None:
        print(lang.gettext("LRS: page %(pages)d, %(records)d records read (%(rate)d records per second)",
                           pages=done.pages, records=done.statements, rate=round(done.rate)), file=sys.stderr)

    go_on = lang.gettext("The records read so far are kept in %(place)s: run the same command with --resume to go "
                         "on.", place=args.out)
    try:
        report = build_lrs_report(client, args.user, args.out, args.lang, args.timezone, args.since, args.until,
                                  args.codes, args.page_size, args.resume, show)
    except LrsError as error:
        reason = lang.gettext("The LRS refused the user name or password (--user, --password).") \
            if error.kind == "credentials" else lrs_problem(error.kind, error.host, error.moved_to).text(lang.gettext)
        print(lang.gettext("report stopped: %(reason)s", reason=reason) + f" ({error}) " + go_on, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(lang.gettext("report stopped on request (Ctrl+C).") + " " + go_on, file=sys.stderr)
        return 130
    log = report.log
    for problem in log.problems:
        print(problem, file=sys.stderr)
    if args.resume:
        print(lang.gettext("Went on from %(records)d records read before.", records=log.resumed_from), file=sys.stderr)
    print(lang.gettext("%(records)d records read from %(lrs)s (pages: %(pages)d), %(counted)d counted "
                       "(%(duplicates)d duplicates, %(invalid)d invalid): %(page)s", records=log.statements,
                       lrs=log.endpoint, pages=log.pages, counted=log.statements - log.duplicates - log.invalid,
                       duplicates=log.duplicates, invalid=log.invalid, page=report.folder / "index.html"))
    return 0
