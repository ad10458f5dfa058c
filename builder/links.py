"""Resolving the URLs a lesson refers to: assets, other lessons, external sites, and refusals."""

import posixpath
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from builder.i18n import _
from builder.problems import did_you_mean
from builder.sources import refusal
from courses.messages import Message

ASSET_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".mp3", ".mp4", ".pdf")
EXTERNAL_LINK_SCHEMES = ("http", "https", "mailto", "tel")
NAVIGATION = {("a", "href"), ("area", "href")}


@dataclass(frozen=True)
class LessonLink:
    """A link to another lesson, kept so anchors can be checked once every lesson is rendered."""

    lesson_id: str
    fragment: str
    url: str


@dataclass
class LinkResolver:
    """Rewrites the URLs of one lesson and records what they point to and what is wrong."""

    lesson_path: str
    lesson_ids: dict[str, str | None]  # lesson source path -> lesson id (None: listed, but reported broken)
    files: frozenset[str]  # every usable file in the course folder, POSIX relative paths
    refused: dict[str, Message] = field(default_factory=dict)  # files that cannot be packed, and why
    assets: set[str] = field(default_factory=set)
    lesson_links: list[LessonLink] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (text to find the line by, message)

    def resolve(self, tag: str, attr: str, url: str) -> str | None:
        """The bundle URL for this reference, or None to keep it as it is."""
        is_link = (tag, attr) in NAVIGATION
        value = url.strip()
        if not value:
            empty = _("empty link in <%(tag)s %(attr)s>") if is_link else _("empty source in <%(tag)s %(attr)s>")
            return self._fail(url, empty % {"tag": tag, "attr": attr})
        if value.startswith("#"):
            return None
        parts = urlsplit(value)
        if parts.scheme or value.startswith("//"):
            scheme = parts.scheme.lower()
            if is_link and scheme in EXTERNAL_LINK_SCHEMES:
                return None
            if is_link:
                return self._fail(url, _("unsupported link '%(url)s' (only http, https, mailto and tel)")
                                  % {"url": value})
            if scheme == "data":
                return self._fail(url, _("embedded data in <%(tag)s %(attr)s>: save it as a file next to the lesson")
                                  % {"tag": tag, "attr": attr})
            return self._fail(url, _("remote resource not allowed (the course must work offline): %(url)s")
                              % {"url": value})
        if value.startswith("/"):
            return self._fail(url, _("absolute path '%(url)s': use a path relative to the lesson file")
                              % {"url": value})
        target = unicodedata.normalize(
            "NFC", posixpath.normpath(posixpath.join(posixpath.dirname(self.lesson_path), unquote(parts.path))))
        if target.startswith("../") or target == "..":
            return self._fail(url, _("'%(url)s' points outside the course folder") % {"url": value})
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if target.endswith(".md"):
            return self._lesson(url, target, parts.fragment, fragment) if is_link else self._fail(
                url, _("<%(tag)s %(attr)s> cannot point to a lesson: %(url)s")
                % {"tag": tag, "attr": attr, "url": value})
        if target in self.refused:
            return self._fail(url, refusal(target, self.refused[target]))
        if target not in self.files:
            return self._fail(url, (_("broken link: %(url)s") if is_link else _("missing asset: %(url)s"))
                              % {"url": value} + did_you_mean(target, self.files))
        if not target.lower().endswith(ASSET_SUFFIXES):
            return self._fail(url, _("unsupported file type: %(url)s (allowed: %(allowed)s)") % {
                "url": value, "allowed": " ".join(ASSET_SUFFIXES)})
        self.assets.add(target)
        return "../assets/" + quote(target) + fragment

    def _lesson(self, url: str, target: str, fragment: str, suffix: str) -> str | None:
        lesson_id = self.lesson_ids.get(target)
        if lesson_id is None:
            if target in self.lesson_ids:
                return None  # its own problem is reported once, at the file; not again at every link to it
            if target in self.files:
                return self._fail(url, _("link to %(path)s, which is not listed in course.yml") % {"path": target})
            return self._fail(url, _("broken link: no lesson %(path)s") % {"path": target}
                              + did_you_mean(target, self.lesson_ids))
        self.lesson_links.append(LessonLink(lesson_id, fragment, url))
        return quote(lesson_id) + suffix

    def _fail(self, url: str, message: str) -> None:
        self.problems.append((url, message))
        return None
