"""Which column of a class list holds what: the fields a list may have, a guess from the first row's
headers (Vietnamese or English, with or without diacritics), and the mapping the admin chose."""

import re
import unicodedata

from player.web.i18n import N_

NAME, BIRTH_YEAR, PHONE, GENDER, GROUP = "name", "birth_year", "phone", "gender", "group"
HEADER_ROWS = 10  # where to look for the header row (a title may come first)
FIELDS = {  # field → its label (N_), in the order the mapping step shows them
    NAME: N_("Full name"),
    BIRTH_YEAR: N_("Birth year"),
    PHONE: N_("Phone number"),
    GENDER: N_("Gender"),
    GROUP: N_("Group or village"),
}
# Folded header words for each field, most specific first; a header is matched whole, then by its words.
HEADERS = {
    GROUP: ("thon/xom", "thon xom", "thon", "xom", "ap", "ban", "to dan pho", "khu pho", "to", "nhom", "doi",
            "group", "village", "hamlet"),
    PHONE: ("so dien thoai", "dien thoai", "sdt", "so dt", "dt", "phone", "phone number", "mobile", "telephone"),
    BIRTH_YEAR: ("nam sinh", "ngay sinh", "ngay thang nam sinh", "birth year", "year of birth", "birthday",
                 "date of birth", "born", "dob"),
    GENDER: ("gioi tinh", "gioi", "nam/nu", "nam nu", "gender", "sex"),
    NAME: ("ho va ten", "ho ten", "ho va ten hoc vien", "ten hoc vien", "hoc vien", "ten", "name", "full name",
           "learner", "student"),
}


def fold(text: str) -> str:
    """`Thôn/Xóm` → `thon/xom`: lower case, no diacritics, one space."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", re.sub(r"[^\w/ ]", " ", plain)).strip()


def header_field(header: str) -> str | None:
    """The field a header names, or None."""
    folded = fold(header)
    for field, names in HEADERS.items():
        if folded in names:
            return field
    words = set(folded.replace("/", " ").split())
    for field, names in HEADERS.items():
        if any(len(name) > 2 and set(name.split()) <= words for name in names):
            return field
    return None


def guess(rows: list[list[str]]) -> tuple[dict[str, int], int | None]:
    """A mapping field → column index guessed from the headers, and which of the first HEADER_ROWS rows
    holds them (the one naming most fields; title rows above it are left out), or None when no row names a
    field: then every row is a learner and the first column is taken for the names."""
    best: tuple[dict[str, int], int | None] = ({NAME: 0}, None)
    for position, cells in enumerate(rows[:HEADER_ROWS]):
        mapping: dict[str, int] = {}
        for index, header in enumerate(cells):
            field = header_field(header)
            if field is not None and field not in mapping:
                mapping[field] = index
        if len(mapping) > (len(best[0]) if best[1] is not None else 0):
            best = (mapping, position)
    return best


def chosen(form, width: int) -> dict[str, int]:
    """The mapping picked in a form (`col_<field>` = column index, empty for none)."""
    mapping = {}
    for field in FIELDS:
        value = form.get(f"col_{field}", "")
        if value.isdigit() and int(value) < width:
            mapping[field] = int(value)
    return mapping


def column_letter(index: int) -> str:
    """A column's letter as a spreadsheet names it (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
