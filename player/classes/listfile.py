"""Reading a class list file: CSV (UTF-8, with or without BOM, UTF-16 with BOM, else Windows-1258 or
cp1252, said so) or Excel .xlsx (openpyxl, read-only), into a `Sheet` of text cells in NFC with their row
numbers as a spreadsheet shows them. A file that cannot be read at all raises ListFileError."""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from player.web.i18n import N_

MAX_LIST_BYTES = 2 * 1024**2
MAX_ROWS = 1000
MAX_COLUMNS = 20
MAX_CELL = 200
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)
FALLBACKS = ("cp1258", "cp1252")  # Vietnamese Windows, then Western Windows: the encodings Excel saves CSV in
DELIMITERS = ",;\t"


class ListFileError(ValueError):
    """The file is not a class list that can be read; `message` (N_) says why, with `params`."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


@dataclass(frozen=True)
class Sheet:
    """A class list as read: its rows (row number, cells), the encoding a CSV was read in, and whether it
    was not UTF-8 (the admin should check the names)."""

    rows: list[tuple[int, list[str]]]
    encoding: str = "xlsx"
    guessed_encoding: bool = False
    truncated: bool = False
    width: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "width", max((len(cells) for _, cells in self.rows), default=0))


def read_list(data: bytes, filename: str) -> Sheet:
    """The rows of a class list file; ListFileError when it cannot be read or holds nothing."""
    if len(data) > MAX_LIST_BYTES:
        raise ListFileError(N_("The file is too large for a class list (at most %(num)d MB)."),
                            num=MAX_LIST_BYTES // 1024**2)
    if data.startswith(OLD_EXCEL_MAGIC) or filename.lower().endswith(".xls"):
        raise ListFileError(N_("This is an old Excel file (.xls). Open it in Excel and save it as .xlsx or as "
                               "“CSV UTF-8”, then choose it again."))
    sheet = _read_xlsx(data) if data.startswith(XLSX_MAGIC) else _read_csv(data)
    if not sheet.rows:
        raise ListFileError(N_("The sheet is empty: there is no name in this file."))
    return sheet


def _read_csv(data: bytes) -> Sheet:
    text, encoding, guessed = _decode(data)
    if "\x00" in text:
        raise ListFileError(N_("This file is neither a CSV file nor an Excel .xlsx file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    rows, truncated = [], False
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
        if len(rows) > MAX_ROWS:
            truncated = True
            break
        _keep(rows, number, cells)
    return Sheet(rows, encoding, guessed, truncated)


def _decode(data: bytes) -> tuple[str, str, bool]:
    """The text of a CSV file, the encoding it was read in and whether that was a guess (not UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16", False
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig"), "UTF-8", False
        except UnicodeDecodeError:
            pass
        for encoding in FALLBACKS:
            try:
                return data.decode(encoding), encoding, True
            except UnicodeDecodeError:
                continue
    raise ListFileError(N_("The file's letters cannot be read: it is in no encoding Trạm Học knows. Open it in "
                           "Excel and save it as “CSV UTF-8”, then choose it again."))


def _read_xlsx(data: bytes) -> Sheet:
    import openpyxl  # only an import needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ListFileError(N_("This Excel file cannot be opened (%(reason)s). Open it in Excel and save it "
                               "again as .xlsx."), reason=type(error).__name__) from error
    try:
        rows, truncated = [], False
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if len(rows) > MAX_ROWS:
                truncated = True
                break
            _keep(rows, number, [_cell_text(value) for value in values[:MAX_COLUMNS]])
    finally:
        book.close()
    return Sheet(rows, truncated=truncated)


def _cell_text(value) -> str:
    """A spreadsheet cell as text: whole numbers without `.0`, a date as its day."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _keep(rows: list, number: int, cells: list[str]) -> None:
    """Keep a row with its cells cleaned (NFC, one line, trimmed), unless it is blank."""
    cleaned = [_clean(cell) for cell in cells[:MAX_COLUMNS]]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if cleaned:
        rows.append((number, cleaned))


def _clean(cell: str) -> str:
    text = unicodedata.normalize("NFC", cell)
    text = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)
    return re.sub(r"\s+", " ", text).strip()[:MAX_CELL]
