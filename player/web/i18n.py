"""UI language: gettext catalogs through Flask-Babel, Vietnamese by default, chosen per browser; and the
same catalogs outside a request (the report, the command line)."""

from datetime import datetime, timezone
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, current_app, redirect, request
from flask_babel import Babel, get_locale

from player.web.security import safe_next
from player.web.services import services

DEFAULT_LOCALE = "vi"
SOURCE_LOCALE = "en"  # message ids are English, so English needs no catalog
COOKIE = "tramhoc_lang"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

language_bp = Blueprint("language", __name__)


def available_locales() -> list[str]:
    """The source language plus every language with a compiled catalog."""
    found = {path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return sorted(found | {SOURCE_LOCALE})


def language_names() -> list[tuple[str, str]]:
    """(code, name in that language) for the language menu."""
    return [(code, language_name(code, code)) for code in available_locales()]


def language_name(code: str, in_language: str) -> str:
    """A language's name written in another language (`en` in `vi`: "Tiếng Anh"), capitalised; else the code."""
    try:
        name = Locale.parse(code, sep="-").get_display_name(in_language)
    except (ValueError, LookupError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code


def foreign_language(code: str) -> str | None:
    """The name of a course's language when it is not the UI language (for a label), else None."""
    shown = str(get_locale())
    if code.split("-")[0].casefold() == shown.split("_")[0].casefold():
        return None
    return language_name(code, shown)


def local_time(moment: str | float | None) -> str:
    """A moment (ISO 8601 text, or seconds since the epoch) as a short date and time in this PC's time zone."""
    if moment is None or moment == "":
        return ""
    when = (datetime.fromisoformat(moment) if isinstance(moment, str)
            else datetime.fromtimestamp(moment, timezone.utc))
    return format_datetime(when.astimezone(), "short", locale=get_locale())


def select_locale() -> str:
    """The language chosen in this browser, else the centre's default, else Vietnamese."""
    chosen = request.cookies.get(COOKIE)
    if chosen in current_app.config["LOCALES"]:
        return chosen
    default = services().store.settings.get()["language"]
    return default if default in current_app.config["LOCALES"] else DEFAULT_LOCALE


@language_bp.post("/language")
def set_language():
    """Remember the chosen UI language and go back to the page the learner was on."""
    code = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")), code=303)
    if code in current_app.config["LOCALES"]:
        response.set_cookie(COOKIE, code, max_age=5 * 365 * 24 * 3600, samesite="Strict", httponly=True)
    return response


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where the language is known."""
    return message


class Language:
    """gettext and number formatting for one UI language, outside a request (the report, the CLI)."""

    def __init__(self, code: str = DEFAULT_LOCALE):
        if code not in available_locales():
            raise ValueError(f"no translation for {code!r}; choose one of {', '.join(available_locales())}")
        self.code = code
        self.translations = (NullTranslations() if code == SOURCE_LOCALE
                             else Translations.load(str(TRANSLATIONS), [code]))
        self.locale = Locale.parse(code)

    def gettext(self, message: str, **params) -> str:
        text = self.translations.gettext(message)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, num: int, **params) -> str:
        return self.translations.ngettext(singular, plural, num) % {"num": num, **params}

    def percent(self, share: float | None) -> str:
        """`66,7 %` in Vietnamese, `66.7%` in English; a dash when there is nothing to divide."""
        return "–" if share is None else format_percent(share, "#,##0.0%", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, "#,##0.#", locale=self.locale)


def init_app(app: Flask) -> None:
    app.config.setdefault("LOCALES", available_locales())
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(language_bp)
    app.jinja_env.globals.update(language_names=language_names, foreign_language=foreign_language,
                                 get_locale=get_locale)
    app.jinja_env.filters["local_time"] = local_time
