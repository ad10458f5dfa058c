"""The trainer's report: merge results files, then write `index.html` (self-contained, works offline,
charts as inline SVG, no script) and one CSV per table (UTF-8 with a byte-order mark for Excel). Times are
shown in the centres' time zone (Asia/Ho_Chi_Minh unless told otherwise)."""

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import format_percent
from jinja2 import Environment, FileSystemLoader

from player import __version__
from player.results.charts import Series, bar_chart
from player.results.class_figures import TOTAL, ClassFigures, header_classes, held_classes
from player.results.class_pages import PERIOD_PAGE, class_pages
from player.results.figures import Figures, parse_timestamp
from player.results.merge import MergeLog, merge
from player.results.tables import Naming, Table, build_tables
from player.web.i18n import Language
from player.xapi import vocabulary as xapi

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "results"
MAX_HTML_ROWS = 1000
HARDEST_QUESTIONS = 15
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
_VIETNAM = timezone(timedelta(hours=7), DEFAULT_ZONE)  # UTC+7 all year since 1975: no tz database needed


@dataclass(frozen=True)
class Report:
    folder: Path
    log: MergeLog
    tables: list[Table]


def build_report(inputs: list[Path], folder: Path, language: str = "vi", now: datetime | None = None,
                 zone_name: str = DEFAULT_ZONE, codes: bool = False, since: str | None = None,
                 until: str | None = None, read: Callable[[Figures], MergeLog] | None = None) -> Report:
    """Merge the results files and folders in `inputs` (or count what `read` feeds the figures, e.g.
    player.results.lrsread) and write the report into `folder`: learners by code instead of name when
    `codes`; the classes held from `since` to `until` (`YYYY-MM-DD`, either open)."""
    lang = Language(language)
    zone = report_zone(zone_name)
    figures = Figures()
    log = read(figures) if read else merge(inputs, figures)
    naming = Naming(language, lang.gettext("true"), lang.gettext("false"),
                    lang.gettext("Computer %(computer)s (centre name not set)"), codes)
    seen = log.seen_classes  # a read without files' headers (lrsread): the classes its statements name
    versions = header_classes(log.files) if seen is None else seen.versions(naming.pick)
    classes = held_classes(versions, figures, naming, since, until, enrolment_known=seen is None)
    tables = build_tables(figures, naming) + ClassFigures(figures, naming, zone, lang.gettext(TOTAL)).tables(classes)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        _write(folder / f"{table.name}.csv", csv_bytes(table, lang, zone))
    environment = _environment(lang)
    common = _common(lang, zone, now or datetime.now(timezone.utc))
    pages = class_pages(environment, {table.name: table for table in tables}, classes,
                        lambda table: _html_table(table, lang, zone, whole=True), since=since, until=until, **common)
    html = render_html(tables, log, figures, naming, lang, zone, environment, common,
                       PERIOD_PAGE if pages else None)
    _write(folder / "index.html", html.encode("utf-8"))
    for name, page in pages.items():
        _write(folder / name, page.encode("utf-8"))
    return Report(folder, log, tables)


def report_zone(name: str) -> tzinfo:
    """The time zone the report's times are shown in (ValueError for a name the system does not know)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == DEFAULT_ZONE:  # e.g. Windows without the tzdata package
            return _VIETNAM
        raise ValueError(f"unknown time zone {name!r}; give one like {DEFAULT_ZONE}") from None


def local_time(value: str, zone: tzinfo) -> str:
    """A UTC timestamp as `YYYY-MM-DD HH:MM` in `zone`."""
    when = parse_timestamp(value)
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else value


def csv_bytes(table: Table, lang: Language, zone: tzinfo = _VIETNAM) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark; every number a whole number (see docs/results.md)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([_no_formula(lang.gettext(column.title)) for column in table.columns])
    for row in table.rows:
        writer.writerow([_no_formula(_csv_cell(row[column.key], column.kind, lang, zone))
                         for column in table.columns])
    return "\ufeff".encode("utf-8") + text.getvalue().encode("utf-8")


def _no_formula(cell: str) -> str:
    """Every cell that a spreadsheet would take for a formula (a name like `=HYPERLINK(…)`, an export time
    like `=cmd|…`, whatever column it is in) gets a leading apostrophe and stays text; a plain number is
    left as it is."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell) else cell


def _csv_cell(value, kind: str, lang: Language, zone: tzinfo) -> str:
    if value is None:
        return ""
    if kind == "share":
        return str(round_half_up(exact(value) * 100))
    if kind == "minutes":
        return str(round_half_up(exact(value) / 60))
    if kind == "gain":
        return str(round_half_up(exact(value) * 100))
    return _common_cell(value, kind, lang, zone)


def _html_cell(value, kind: str, lang: Language, zone: tzinfo, whole: bool = False) -> str:
    """A cell as the page shows it; `whole`: percentages as whole numbers, exactly the CSV's."""
    if value is None:
        return ""
    if kind == "share" and whole:
        return format_percent(round_half_up(exact(value) * 100) / 100, "#,##0%", locale=lang.locale)
    if kind == "share":
        return lang.percent(round_half_up(exact(value) * 1000) / 1000)
    if kind == "gain":
        return f"{round_half_up(exact(value) * 100):+d}"
    if kind == "minutes":
        return lang.number(round_half_up(exact(value) / 60))
    if kind == "count":
        return lang.number(value)
    return _common_cell(value, kind, lang, zone)


def _common_cell(value, kind: str, lang: Language, zone: tzinfo) -> str:
    if kind == "time":
        return local_time(value, zone) if value else ""
    if kind == "yesno":
        return lang.gettext("yes") if value else lang.gettext("no")
    return str(value)


def exact(value) -> Fraction:
    """A share or a float as an exact fraction (a float through its shortest decimal form)."""
    return value if isinstance(value, Fraction) else Fraction(Decimal(repr(value)))


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _environment(lang: Language) -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    environment.install_gettext_translations(lang.translations, newstyle=True)
    return environment


def _common(lang: Language, zone: tzinfo, now: datetime) -> dict:
    """What every page of the report says about itself."""
    offset = now.astimezone(zone).strftime("%z")
    return {"lang": lang.code, "generator": f"tramhoc-player {__version__}",
            "generated": local_time(xapi.timestamp(now), zone), "zone": str(zone),
            "offset": f"{offset[:3]}:{offset[3:]}"}


def render_html(tables: list[Table], log: MergeLog, figures: Figures, naming: Naming, lang: Language,
                zone: tzinfo, environment: Environment, common: dict, period_page: str | None) -> str:
    by_name = {table.name: table for table in tables}
    return environment.get_template("report.html").render(
        **common, log=log, period_page=period_page, outside_courses=figures.outside_courses,
        unnamed=sorted({naming.centre(figures, device) for device, (_, centre, _) in figures.device_exports.items()
                        if not centre.strip()}),
        files=[(item, naming.centre_named(item.header.centre, item.header.device_name, item.header.device_id),
                local_time(item.header.exported_at, zone)) for item in log.files],
        skipped=[(item.path, item.problem.text(lang.gettext)) for item in log.skipped],
        tables=[_html_table(table, lang, zone) for table in tables],
        charts=_charts(by_name, lang), max_rows=MAX_HTML_ROWS)


def _html_table(table: Table, lang: Language, zone: tzinfo, whole: bool = False) -> dict:
    """The table as the page shows it: the columns meant for the page (raw ids stay in the CSV file)."""
    columns = [column for column in table.columns if column.html]
    rows = [[(_html_cell(row[column.key], column.kind, lang, zone, whole), column.kind) for column in columns]
            for row in table.rows[:MAX_HTML_ROWS]]
    return {"name": table.name, "title": lang.gettext(table.title),
            "columns": [(lang.gettext(column.title), column.kind) for column in columns],
            "rows": rows, "total": len(table.rows)}


def _charts(tables: dict[str, Table], lang: Language) -> dict[str, str]:
    def text(value) -> str:
        return "–" if value is None else lang.percent(round_half_up(exact(value) * 1000) / 1000)

    completion, passing = lang.gettext("Completion rate"), lang.gettext("Pass rate")
    charts = {}
    for name, label_key in (("courses", "course"), ("centres", "centre")):
        rows = tables[name].rows
        if rows:
            charts[name] = bar_chart(
                lang.gettext(tables[name].title), [row[label_key] or "–" for row in rows],
                [Series(completion, [row["completion_rate"] for row in rows]),
                 Series(passing, [row["pass_rate"] for row in rows])], text)
    hardest = [row for row in tables["questions"].rows if row["share_correct"] is not None]
    hardest = sorted(hardest, key=lambda row: (row["share_correct"], row["question_id"]))[:HARDEST_QUESTIONS]
    if hardest:
        charts["questions"] = bar_chart(
            lang.gettext("Hardest questions"), [row["question"] or row["question_id"] for row in hardest],
            [Series(lang.gettext("Share correct"), [row["share_correct"] for row in hardest])], text)
    return charts


def _write(path: Path, data: bytes) -> None:
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
