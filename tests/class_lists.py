"""Class list files for the tests, made as a centre would: Excel .xlsx files (openpyxl) and CSV files in
UTF-8, UTF-8 with a BOM, or Windows-1258 as old Vietnamese Excel saves them."""

import io
import unicodedata

import openpyxl

HEADERS = ["STT", "Họ và tên", "Năm sinh", "Số điện thoại", "Giới tính", "Thôn/Xóm"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Thị Lan", "Văn Bình", "Minh Châu", "Thu Hà", "Quốc Dũng"]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def learners(count: int) -> list[list]:
    """`count` learners with different names, as rows under HEADERS (birth years as numbers)."""
    return [[index + 1, f"{FAMILY[index % 10]} {GIVEN[index // 10 % 5]} {index // 50 + 1}" if index >= 50
             else f"{FAMILY[index % 10]} {GIVEN[index // 10]}", 1960 + index % 40, f"09{index:08d}",
             "Nữ" if index % 2 else "Nam", f"Thôn {index % 4 + 1}"] for index in range(count)]


def xlsx(rows: list[list], title: str | None = "DANH SÁCH HỌC VIÊN") -> bytes:
    """An .xlsx file: a title row (when given), then the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[list], delimiter: str = ",") -> str:
    return "".join(delimiter.join(str(cell) for cell in row) + "\r\n" for row in rows)


def cp1258(text: str) -> bytes:
    """Text in Windows-1258: letters with a tone are a base letter and a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in TONES))
            out += (base + "".join(mark for mark in parts if mark in TONES)).encode("cp1258")
    return bytes(out)
