"""The builder's messages in the trainer's language: Vietnamese or English, through its own gettext catalog.

Messages are written in English with `%(name)s` placeholders and passed through `_`; the messages courses/
makes about a course's content (courses.messages.Message) go through `translate`. Nothing is translated
until `use_language` is called (the command line does, so library callers and tests see English); the
language is `--lang`, else the course's `language:`, else the system's, else Vietnamese.
"""

import gettext
import locale
import os
import re
from pathlib import Path

from courses.messages import Message

TRANSLATIONS = Path(__file__).parent / "translations"
DOMAIN = "builder"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_COURSE_LANGUAGE = re.compile(r"^language:\s*[\"']?([A-Za-z]{2,3})", re.MULTILINE)

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """The message in the chosen language."""
    return _current.gettext(message)


def translate(message) -> str:
    """A courses.messages.Message, or an error raised with one, in the chosen language; any other text (already
    translated) as it is."""
    if isinstance(message, BaseException) and len(message.args) == 1:
        message = message.args[0]
    return message.translated(_) if isinstance(message, Message) else str(message)


def N_(message: str) -> str:
    """Mark a message for the catalog where it is defined; translate it with `_` where it is used."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return _current.ngettext(singular, plural, count)


def use_language(language: str) -> None:
    """Translate every message from now on into this language ('vi' or 'en')."""
    global _current, _language
    _language = language
    _current = (gettext.NullTranslations() if language == "en" else
                gettext.translation(DOMAIN, TRANSLATIONS, [language], fallback=True))


def current_language() -> str:
    return _language


def choose_language(asked: str | None, course_dir: Path | None = None) -> str:
    """`--lang`, else the course's language when course.yml names vi or en, else the system's, else vi."""
    for candidate in (asked, _course_language(course_dir), _system_language()):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def _course_language(course_dir: Path | None) -> str | None:
    try:
        found = _COURSE_LANGUAGE.search((Path(course_dir) / "course.yml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TypeError):
        return None
    return found.group(1).lower() if found else None


def _system_language() -> str | None:
    """LC_ALL, LC_MESSAGES or LANG; on Windows (no such variables) the UI language, from the locale."""
    name = next((os.environ[key] for key in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(key)), None)
    if name is None:
        try:
            name = locale.getlocale()[0]
        except ValueError:
            name = None
    name = (name or "").lower()
    if name.startswith(("vi", "vietnamese")):
        return "vi"
    return "en" if name.startswith(("en", "english")) else None
