"""Reading a built report as a trainer's spreadsheet and browser would: its CSV files' rows, its pages'
tables, and a page's figure as the CSV writes it."""

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


class Tables(HTMLParser):
    """Every table of a page: its aria-label, its header cells and its rows of cell texts."""

    def __init__(self, page: str):
        super().__init__()
        self.found: dict[str, tuple[list[str], list[list[str]]]] = {}
        self.cell: list[str] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = self.found.setdefault(dict(attrs)["aria-label"], ([], []))
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr":
            head, rows = self.current
            (rows if head else head).extend([self.row] if head else self.row)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def number(cell: str) -> str:
    """A page's figure as the CSV writes it: `22 %` -> `22`, `+67` -> `67`."""
    return re.sub(r"[^0-9-]", "", cell.replace("−", "-"))
