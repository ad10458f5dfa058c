"""The report's language: the player's gettext catalogs outside a Flask request, and number formats."""

from babel import Locale
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from player.i18n import DEFAULT_LOCALE, SOURCE_LOCALE, TRANSLATIONS, available_locales


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where the language is known."""
    return message


class Language:
    """gettext and number formatting for one UI language."""

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

    def percent(self, share: float | None) -> str:
        """`66,7 %` in Vietnamese, `66.7%` in English; a dash when there is nothing to divide."""
        return "–" if share is None else format_percent(share, "#,##0.0%", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, "#,##0.#", locale=self.locale)
