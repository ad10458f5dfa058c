"""Rendering a lesson's Markdown to HTML, rewriting every reference through a LinkResolver."""

import unicodedata
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from xml.etree import ElementTree

import markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import TocExtension, slugify
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from builder.links import LinkResolver

URL_ATTRIBUTES = ("src", "href", "poster", "data", "action", "formaction", "background", "xlink:href")
FORBIDDEN_TAGS = {
    "script": "scripts are not allowed in lessons",
    "style": "<style> is not allowed in lessons (the player styles every lesson)",
    "iframe": "<iframe> is not allowed in lessons (the course must work offline)",
    "frame": "<frame> is not allowed in lessons",
    "embed": "<embed> is not allowed in lessons (use ![caption](file.mp4) or a link)",
    "object": "<object> is not allowed in lessons (use ![caption](file.mp4) or a link)",
    "link": "<link> is not allowed in lessons (the player provides the stylesheet)",
    "base": "<base> is not allowed in lessons",
    "meta": "<meta> is not allowed in lessons",
}
MEDIA_TAGS = {".mp3": "audio", ".mp4": "video"}


def vietnamese_slug(value: str, separator: str) -> str:
    """Heading anchor in ASCII: 'Đăng nhập bằng VNeID' -> 'dang-nhap-bang-vneid'."""
    return slugify(unicodedata.normalize("NFC", value).replace("đ", "d").replace("Đ", "D"), separator)


@dataclass(frozen=True)
class RenderedLesson:
    """A lesson's HTML and what it refers to; problems carry source line numbers."""

    html: str
    assets: tuple[str, ...]
    lesson_links: tuple[tuple[str, str, int], ...]  # (lesson id, fragment, line)
    anchors: tuple[str, ...]
    problems: tuple[tuple[int, str], ...]


class LessonRenderer:
    """One reusable Markdown pipeline; render() is called once per lesson."""

    def __init__(self):
        self._extension = _ReferencesExtension()
        self._markdown = markdown.Markdown(output_format="html", extensions=[
            "tables", "fenced_code", FootnoteExtension(BACKLINK_TITLE="↩ %d"), "def_list", "attr_list", "abbr", "md_in_html",
            "admonition", "sane_lists", TocExtension(slugify=vietnamese_slug), self._extension])

    def render(self, body: str, body_line: int, resolver: LinkResolver) -> RenderedLesson:
        """Render a lesson body; references are resolved and problems located in the source."""
        self._extension.start(resolver)
        html = self._markdown.reset().convert(body)
        locate = _LineFinder(body, body_line)
        return RenderedLesson(
            html=html,
            assets=tuple(sorted(resolver.assets)),
            lesson_links=tuple((link.lesson_id, link.fragment, locate(link.url)) for link in resolver.lesson_links),
            anchors=tuple(sorted(self._extension.anchors)),
            problems=tuple((locate(needle), message) for needle, message in resolver.problems),
        )


class _ReferencesExtension(Extension):
    def __init__(self):
        super().__init__()
        self.resolver: LinkResolver | None = None
        self.anchors: set[str] = set()
        self.raw_blocks_done = 0

    def start(self, resolver: LinkResolver) -> None:
        self.resolver, self.anchors, self.raw_blocks_done = resolver, set(), 0

    def extendMarkdown(self, md):
        md.treeprocessors.register(_TreeReferences(md, self), "tramhoc_references", 1)
        md.postprocessors.register(_RawHtmlReferences(md, self), "tramhoc_raw_html", 35)

    def visit(self, tag: str, attrib: dict) -> bool:
        """Check and rewrite one element's attributes in place; True when anything changed."""
        resolver, changed = self.resolver, False
        if tag in FORBIDDEN_TAGS:
            source = attrib.get("src") or attrib.get("href") or ""
            resolver.problems.append((source or f"<{tag}", FORBIDDEN_TAGS[tag] + (f": {source}" if source else "")))
            return False
        if attrib.get("id"):
            self.anchors.add(attrib["id"])
        for name in URL_ATTRIBUTES:
            value = attrib.get(name)
            if value is None or (tag == "a" and AMP_SUBSTITUTE in value):  # Markdown's own obfuscated mailto
                continue
            new = resolver.resolve(tag, name, value)
            if new is not None:
                attrib[name], changed = new, True
        if attrib.get("srcset"):
            resolver.problems.append((attrib["srcset"], "srcset is not supported: use one image file"))
        style = (attrib.get("style") or "").lower()
        if "url(" in style:
            resolver.problems.append((attrib["style"], "url() in a style attribute is not allowed"))
        if tag == "a" and (attrib.get("href") or "").lower().startswith(("http:", "https:")):
            attrib["rel"], attrib["target"], changed = "external noopener noreferrer", "_blank", True
        return changed


class _TreeReferences(Treeprocessor):
    """Markdown-made elements: rewrite references; media images become audio or video players."""

    def __init__(self, md, extension: _ReferencesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            if isinstance(element.tag, str):
                self.extension.visit(element.tag, element.attrib)
                if element.tag == "img":
                    _media_player(element)


class _RawHtmlReferences(Postprocessor):
    """Raw HTML written in a lesson: the same checks and rewrites, before it is put back.

    Python-Markdown runs postprocessors more than once per document (toc does, for headings), so
    each stashed block is handled exactly once.
    """

    def __init__(self, md, extension: _ReferencesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        blocks = self.md.htmlStash.rawHtmlBlocks
        for index in range(self.extension.raw_blocks_done, len(blocks)):
            block = blocks[index]
            if isinstance(block, str):
                blocks[index] = _rewrite_raw_html(block, self.extension.visit)
            else:
                for element in block.iter():
                    if isinstance(element.tag, str):
                        self.extension.visit(element.tag, element.attrib)
        self.extension.raw_blocks_done = len(blocks)
        return text


def _media_player(image: ElementTree.Element) -> None:
    src = image.get("src", "")
    kind = next((tag for suffix, tag in MEDIA_TAGS.items() if src.lower().split("#")[0].endswith(suffix)), None)
    if kind is None:
        return
    label = image.get("alt", "")
    image.tag = kind
    image.attrib = {"src": src, "controls": "controls", "preload": "metadata", "aria-label": label}
    image.text = label


class _StartTagEditor(HTMLParser):
    def __init__(self, visit):
        super().__init__(convert_charrefs=True)
        self.visit, self.edits = visit, []

    def handle_starttag(self, tag, attrs):
        self._edit(tag, attrs, ">")

    def handle_startendtag(self, tag, attrs):
        self._edit(tag, attrs, " />")

    def _edit(self, tag, attrs, close):
        attrib = dict(attrs)
        if self.visit(tag, attrib):
            rebuilt = "".join(f" {k}" if v is None else f' {k}="{escape(v)}"' for k, v in attrib.items())
            self.edits.append((self.getpos(), len(self.get_starttag_text()), f"<{tag}{rebuilt}{close}"))


def _rewrite_raw_html(html: str, visit) -> str:
    editor = _StartTagEditor(visit)
    editor.feed(html)
    editor.close()
    if not editor.edits:
        return html
    line_starts = [0]
    for line in html.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    for (line, column), length, replacement in reversed(editor.edits):
        start = line_starts[line - 1] + column
        html = html[:start] + replacement + html[start + length:]
    return html


class _LineFinder:
    """Maps a piece of text (a URL) to the source line it appears on, in order of appearance."""

    def __init__(self, body: str, body_line: int):
        self.lines, self.body_line, self.next_start = body.split("\n"), body_line, {}

    def __call__(self, needle: str) -> int:
        start = self.next_start.get(needle, 0)
        for index in range(start, len(self.lines)):
            if needle and needle in self.lines[index]:
                self.next_start[needle] = index + 1
                return self.body_line + index
        for index, line in enumerate(self.lines):
            if needle and needle in line:
                return self.body_line + index
        return self.body_line
