"""UI translations: every message in code and templates is translated, and compiled catalogs are current."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from player.web.i18n import DEFAULT_LOCALE, TRANSLATIONS, available_locales

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("player/**.py", "python"), ("player/templates/**.html", "jinja2"),
           ("authoring/**.py", "python"), ("authoring/templates/**.html", "jinja2")]  # what babel.cfg lists


def source_messages() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, METHODS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def frozen(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def catalogs() -> list[str]:
    return sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_vietnamese_is_the_default_and_english_is_offered():
    assert DEFAULT_LOCALE == "vi"
    assert {"vi", "en"} <= set(available_locales())


def test_sources_have_messages():
    assert len(source_messages()) > 20


@pytest.mark.parametrize("locale", catalogs())
def test_every_message_is_translated(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale=locale)
    translated = {(m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog
                  if m.id and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy}
    missing = source_messages() - translated
    assert not missing, f"{locale}: untranslated (run pybabel extract/update, see README): {sorted(missing)}"


@pytest.mark.parametrize("locale", catalogs())
def test_compiled_catalog_matches_its_source(locale):
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as po, open(folder / "messages.mo", "rb") as mo:
        source, compiled = read_po(po, locale=locale), read_mo(mo)
    expected = {frozen(m.id): frozen(m.string) for m in source if m.id and not m.fuzzy}
    actual = {frozen(m.id): frozen(m.string) for m in compiled if m.id}
    assert actual == expected, f"{locale}: run `pybabel compile -d player/translations`"


def test_the_vietnamese_interface_spells_khoa_one_way():
    """One spelling of "khoá" (the old tone placement, as the player has always written it) across the UI; the
    courses' own text keeps theirs."""
    with open(TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po, locale="vi")
    strings = [s for m in catalog if m.id for s in (m.string if isinstance(m.string, (list, tuple)) else [m.string])]
    assert [s for s in strings if "khóa" in s.lower()] == []
