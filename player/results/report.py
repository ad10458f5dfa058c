"""The trainer's report: merge results files, then write `index.html` (self-contained, works offline,
charts as inline SVG, no script) and one CSV per table (UTF-8 with a byte-order mark for Excel)."""

import csv
import io
import math
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from player import __version__
from player.results.charts import Series, bar_chart
from player.results.figures import Figures
from player.results.merge import MergeLog, merge
from player.results.tables import Naming, Table, build_tables
from player.web.i18n import Language
from player.xapi import vocabulary as xapi

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "results"
MAX_HTML_ROWS = 1000
HARDEST_QUESTIONS = 15
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Report:
    folder: Path
    log: MergeLog
    tables: list[Table]


def build_report(inputs: list[Path], folder: Path, language: str = "vi", now: datetime | None = None) -> Report:
    """Merge the results files and folders in `inputs` and write the report into `folder`."""
    lang = Language(language)
    figures = Figures()
    log = merge(inputs, figures)
    tables = build_tables(figures, Naming(language, lang.gettext("true"), lang.gettext("false")))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        _write(folder / f"{table.name}.csv", csv_bytes(table, lang))
    html = render_html(tables, log, figures, lang, now or datetime.now(timezone.utc))
    _write(folder / "index.html", html.encode("utf-8"))
    return Report(folder, log, tables)


def csv_bytes(table: Table, lang: Language) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark; every number a whole number (see docs/results.md)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([_no_formula(lang.gettext(column.title)) for column in table.columns])
    for row in table.rows:
        writer.writerow([_no_formula(_csv_cell(row[column.key], column.kind, lang)) for column in table.columns])
    return "\ufeff".encode("utf-8") + text.getvalue().encode("utf-8")


def _no_formula(cell: str) -> str:
    """Every cell that a spreadsheet would take for a formula (a name like `=HYPERLINK(…)`, an export time
    like `=cmd|…`, whatever column it is in) gets a leading apostrophe and stays text; a plain number is
    left as it is."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell) else cell


def _csv_cell(value, kind: str, lang: Language) -> str:
    if value is None:
        return ""
    if kind == "share":
        return str(round_half_up(exact(value) * 100))
    if kind == "minutes":
        return str(round_half_up(exact(value) / 60))
    return _common_cell(value, kind, lang)


def _html_cell(value, kind: str, lang: Language) -> str:
    if value is None:
        return ""
    if kind == "share":
        return lang.percent(round_half_up(exact(value) * 1000) / 1000)
    if kind == "minutes":
        return lang.number(round_half_up(exact(value) / 60))
    if kind == "count":
        return lang.number(value)
    return _common_cell(value, kind, lang)


def _common_cell(value, kind: str, lang: Language) -> str:
    if kind == "time":
        return f"{value[:10]} {value[11:16]}" if value else ""
    if kind == "yesno":
        return lang.gettext("yes") if value else lang.gettext("no")
    return str(value)


def exact(value) -> Fraction:
    """A share or a float as an exact fraction (a float through its shortest decimal form)."""
    return value if isinstance(value, Fraction) else Fraction(Decimal(repr(value)))


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def render_html(tables: list[Table], log: MergeLog, figures: Figures, lang: Language, now: datetime) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                              extensions=["jinja2.ext.i18n"])
    environment.install_gettext_translations(lang.translations, newstyle=True)
    by_name = {table.name: table for table in tables}
    return environment.get_template("report.html").render(
        lang=lang.code, generator=f"tramhoc-player {__version__}",
        generated=xapi.timestamp(now)[:16].replace("T", " "),
        log=log, outside_courses=figures.outside_courses,
        skipped=[(item.path, item.problem.text(lang.gettext)) for item in log.skipped],
        tables=[_html_table(table, lang) for table in tables],
        charts=_charts(by_name, lang), max_rows=MAX_HTML_ROWS)


def _html_table(table: Table, lang: Language) -> dict:
    rows = [[(_html_cell(row[column.key], column.kind, lang), column.kind) for column in table.columns]
            for row in table.rows[:MAX_HTML_ROWS]]
    return {"name": table.name, "title": lang.gettext(table.title),
            "columns": [(lang.gettext(column.title), column.kind) for column in table.columns],
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
