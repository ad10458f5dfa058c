"""Markdown processors that check and rewrite every reference a lesson (or a quiz text) makes."""

from html import escape
from html.parser import HTMLParser
from xml.etree import ElementTree

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from builder.i18n import N_, _
from builder.links import LinkResolver

URL_ATTRIBUTES = ("src", "href", "poster", "data", "action", "formaction", "background", "xlink:href")
FORBIDDEN_TAGS = {
    "script": N_("scripts are not allowed in lessons"),
    "style": N_("<style> is not allowed in lessons (the player styles every lesson)"),
    "iframe": N_("<iframe> is not allowed in lessons (the course must work offline)"),
    "frame": N_("<frame> is not allowed in lessons"),
    "embed": N_("<embed> is not allowed in lessons (use ![caption](file.mp4) or a link)"),
    "object": N_("<object> is not allowed in lessons (use ![caption](file.mp4) or a link)"),
    "link": N_("<link> is not allowed in lessons (the player provides the stylesheet)"),
    "base": N_("<base> is not allowed in lessons"),
    "meta": N_("<meta> is not allowed in lessons"),
}
MEDIA_TAGS = {".mp3": "audio", ".mp4": "video"}
NARRATION_CLASS = "narration"  # an audio of a lesson section played as narration (courses.lesson_html)


class ReferencesExtension(Extension):
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
            resolver.problems.append((source or f"<{tag}", _(FORBIDDEN_TAGS[tag]) + (f": {source}" if source else "")))
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
            resolver.problems.append((attrib["srcset"], _("srcset is not supported: use one image file")))
        style = (attrib.get("style") or "").lower()
        if "url(" in style:
            resolver.problems.append((attrib["style"], _("url() in a style attribute is not allowed")))
        if tag == "a" and (attrib.get("href") or "").lower().startswith(("http:", "https:")):
            attrib["rel"], attrib["target"], changed = "external noopener noreferrer", "_blank", True
        return changed


class _TreeReferences(Treeprocessor):
    """Markdown-made elements: rewrite references; media images become audio or video players."""

    def __init__(self, md, extension: ReferencesExtension):
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

    def __init__(self, md, extension: ReferencesExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        blocks = self.md.htmlStash.rawHtmlBlocks
        for index in range(self.extension.raw_blocks_done, len(blocks)):
            block = blocks[index]
            if isinstance(block, str):
                blocks[index] = rewrite_raw_html(block, self.extension.visit)
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
    narration = kind == "audio" and NARRATION_CLASS in image.get("class", "").split()
    image.tag = kind
    image.attrib = {"src": src, "controls": "controls", "preload": "metadata", "aria-label": label}
    if narration:  # `![Nghe phần này](phan-2.mp3){.narration}`: the player gives it its narration controls
        image.attrib["class"] = NARRATION_CLASS
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


def rewrite_raw_html(html: str, visit) -> str:
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
