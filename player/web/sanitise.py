"""Bundle HTML cleaned with nh3 (Rust's ammonia) to exactly what the builder makes, before it is shown.

A bundle can be made by hand, bypassing the builder's checks: the player never trusts its HTML — a
lesson, or a question's text, choice, feedback or explanation. This module is the one door it comes in by.
What may stay is listed in courses.lesson_html; scripts, event handlers, forms, frames, styles and any
remote or `data:` source are removed, and the lesson's ids and classes cannot be the player's own. Links to
other sites lead to the player's page about leaving (player.web.leaving), which opens them in a new window
(the system browser, in the desktop window) without access to the player's page.
"""

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

from courses.lesson_html import (
    ATTRIBUTES,
    EXTERNAL_LINK_SCHEMES,
    LINK_SCHEMES,
    REMOVED_WITH_CONTENT,
    STYLE_PROPERTIES,
    TAGS,
)
from player.web.leaving import LEAVE_LINK_REL, external_url, leave_href

_SOURCE_ATTRIBUTES = ("src",)
_LINK_START = re.compile(r"<a\s[^>]*>")  # in nh3's output, attribute values never contain a raw ">"
_HREF = re.compile(r'\shref="([^"]*)"')

# A lesson must not look like, or stand in for, the player's own interface (a "verified publisher" badge,
# the page's `visit` element): its ids live in their own namespace, which no id of the player's starts
# with, and it keeps only the classes the builder makes (note boxes, footnotes, code, quiz and practice
# placeholders, a section's narration).
LESSON_ID_PREFIX = "lesson-"
LESSON_CLASSES = frozenset({
    "admonition", "admonition-title", "note", "tip", "info", "warning", "danger", "important",
    "footnote", "footnote-ref", "footnote-backref", "quiz-question", "practice-block", "narration",
})
LESSON_CLASS_PREFIXES = ("language-",)  # a fenced code block's language


def _lesson_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop any image or media source that is not a relative URL inside the bundle; move ids (and the
    links to them within the bundle) into the lesson's namespace; keep only the builder's classes."""
    if attribute in _SOURCE_ATTRIBUTES:
        parts = urlsplit(value.strip())
        if parts.scheme or parts.netloc or value.lstrip().startswith(("/", "\\")):
            return None
    elif attribute == "id":
        return LESSON_ID_PREFIX + value if value else None
    elif attribute == "class":
        kept = [name for name in value.split() if name in LESSON_CLASSES or name.startswith(LESSON_CLASS_PREFIXES)]
        return " ".join(kept) or None
    elif attribute == "href" and "#" in value:
        parts = urlsplit(value)
        if not parts.scheme and not parts.netloc:
            base, _, fragment = value.partition("#")
            return f"{base}#{LESSON_ID_PREFIX}{fragment}"
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
    attribute_filter=_lesson_attribute,
    url_schemes=set(LINK_SCHEMES),
    filter_style_properties=set(STYLE_PROPERTIES),
    link_rel=None,
    strip_comments=True,
)


def _mark_external(match: re.Match) -> str:
    """A link to another site leads to the player's page about leaving; one a browser would misread, nowhere."""
    tag = match.group(0)
    href = _HREF.search(tag)
    address = html.unescape(href.group(1)) if href else ""
    if urlsplit(address).scheme.lower() not in EXTERNAL_LINK_SCHEMES:
        return tag  # within the bundle, mailto: or tel:
    target = external_url(address)
    leading = f' href="{html.escape(leave_href(target))}"' if target else ""
    return f'{tag[:href.start()]}{leading} rel="{LEAVE_LINK_REL}"{tag[href.end():]}'


def clean_bundle_html(fragment: str) -> Markup:
    """HTML from a bundle (a lesson, or a piece of a question), safe to put into a page. Never pass a
    learner's input: that is text, and Jinja escapes it."""
    return Markup(_clean(fragment))


@lru_cache(maxsize=512)
def _clean(fragment: str) -> str:
    """Bundles never change once installed, so the same fragment is cleaned once."""
    return _LINK_START.sub(_mark_external, _CLEANER.clean(fragment))


def rendered(html: str) -> Markup:
    """HTML that one of the player's own (autoescaped) templates rendered, to put into another of its pages."""
    return Markup(html)


def marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None,
           before: str = "", after: str = "") -> Markup:
    """Plain text (a learner's or a bundle's, never trusted) escaped, with the character spans given wrapped
    in <mark>: what search results show. `start`/`end` cut the text; `before`/`after` are plain too."""
    end = len(text) if end is None else end
    parts, position = [html.escape(before)], start
    for begin, finish in spans:
        parts.append(html.escape(text[position:begin]))
        parts.append(f"<mark>{html.escape(text[begin:finish])}</mark>")
        position = finish
    parts.append(html.escape(text[position:end]) + html.escape(after))
    return Markup("".join(parts))
