"""Links to other sites go through the player's own page first (/leave?to=URL), which shows the address,
says whether this PC seems to be online and only then opens it (in the system browser, in the desktop
window): a link followed offline would otherwise end on a browser error page."""

from urllib.parse import quote, urlsplit

from courses.lesson_html import EXTERNAL_LINK_SCHEMES
from player.web.security import ODD_IN_URL

LEAVE_PATH = "/leave"
LEAVE_LINK_REL = "external"  # a link of the player's own, so the page about leaving knows the lesson to go back to
MAX_URL = 2000


def leave_href(url: str) -> str:
    """The player's page that leads to `url` (not HTML-escaped)."""
    return f"{LEAVE_PATH}?to={quote(url, safe='')}"


def external_url(value: str | None) -> str | None:
    """`value` when it is an http(s) address of another site that a browser reads as written, else None."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL or ODD_IN_URL.search(value) or " " in value:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in EXTERNAL_LINK_SCHEMES or not parts.hostname:
        return None
    return value
