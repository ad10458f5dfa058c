"""The report's printable pages (A4, print CSS; the browser's "Save as PDF" makes the PDF): one summary per
class (`class-<id>.html`) and one for the period (`period.html`), each a title, a table and an empty box for
the trainer's comment, then the details. Their rows are the class tables' own (the CSV files' figures)."""

import hashlib
import re
from collections.abc import Callable

from jinja2 import Environment

from player.results.class_figures import HeldClass
from player.results.tables import Table
from player.web.i18n import N_

PERIOD_PAGE = "period.html"
_CLASS_ID = re.compile(r"[0-9a-f]{32}")  # as the player makes them (player.classes)
SUMMARY = (N_("The class's figures"), ("course", "enrolled", "started", "finished", "passed", "pre", "post", "gain"))
DETAILS = {"class_learners": (N_("Learners of the class"),
                              ("course", "learner", "started", "finished", "passed", "pre", "post", "gain")),
           "class_attendance": (N_("Attendance by date"), ("date", "learners", "enrolled")),
           "class_questions": (N_("Questions before and after"),
                               ("course", "question", "before_answers", "before", "after_answers", "after"))}
PERIOD_CLASSES = (N_("Classes of the period"), ("centre", "class", "start", "end", *SUMMARY[1]))


def class_page_name(class_id: str) -> str:
    """`class-<class id>.html`; an id the player would not make (a crafted file's) by its hash: never a path."""
    safe = class_id if _CLASS_ID.fullmatch(class_id) else hashlib.sha256(class_id.encode("utf-8")).hexdigest()[:32]
    return f"class-{safe}.html"


def class_pages(environment: Environment, tables: dict[str, Table], classes: list[HeldClass],
                html_table: Callable[[Table], dict], since: str | None, until: str | None, **common) -> dict[str, str]:
    """File name -> page: the period's summary (when there is a class) and each class's."""
    if not classes:
        return {}
    pages = {}
    template = environment.get_template("class.html")
    for held in classes:
        mine = {name: _subset(tables[name], shown, held.record.id)
                for name, shown in (("classes", SUMMARY), *DETAILS.items())}
        pages[class_page_name(held.record.id)] = template.render(
            **common, held=held, summary=html_table(mine["classes"]), csv=tables["classes"].name,
            details=[(html_table(mine[name]), name) for name in DETAILS], period_page=PERIOD_PAGE)
    links = [(class_page_name(held.record.id), held) for held in classes]
    pages[PERIOD_PAGE] = environment.get_template("period.html").render(
        **common, since=since, until=until, summary=html_table(tables["class_centres"]),
        csv=tables["class_centres"].name, classes=html_table(_subset(tables["classes"], PERIOD_CLASSES)),
        links=links, enrolment_known=all(held.enrolment_known for held in classes))
    return pages


def _subset(table: Table, shown: tuple[str, tuple[str, ...]], class_id: str | None = None) -> Table:
    """The table under the page's title with the columns named (in that order), and only the class's rows
    when one is named."""
    title, keys = shown
    columns = {column.key: column for column in table.columns}
    rows = [row for row in table.rows if class_id is None or row["class_id"] == class_id]
    return Table(table.name, title, tuple(columns[key] for key in keys), rows)
