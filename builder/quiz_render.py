"""Quiz texts to HTML, through the same reference checks as lesson text, with problems at their lines."""

from html import escape

import markdown
from markdown.preprocessors import Preprocessor

from builder.links import LinkResolver
from builder.references import ReferencesExtension, rewrite_raw_html

class QuizText:
    """A renderer for quiz parsers: Markdown (native syntax and GIFT [markdown]), HTML (GIFT [html] and
    [moodle], whose new lines become <br>) or plain text; images and links resolve like a lesson's."""

    def __init__(self):
        self._extension = ReferencesExtension()
        self._markdown = markdown.Markdown(output_format="html", extensions=["sane_lists", "tables", self._extension])
        self.resolver: LinkResolver | None = None
        self.problems: list[tuple[int, str]] = []
        self.lesson_links: list[tuple[str, str, int]] = []

    def start(self, resolver: LinkResolver) -> None:
        """Begin a lesson: references resolve against its resolver."""
        self.resolver, self.problems, self.lesson_links = resolver, [], []

    def __call__(self, text: str, fmt: str, line: int) -> str:
        if not text.strip():
            return ""
        resolver = self.resolver
        problems_before, links_before = len(resolver.problems), len(resolver.lesson_links)
        self._extension.start(resolver)
        if fmt == "plain":
            html = escape(text).replace("\n", "<br>\n")
        elif fmt in ("html", "moodle"):
            html = rewrite_raw_html(text, self._extension.visit)
            html = html.replace("\n", "<br>\n") if fmt == "moodle" else html
        else:
            html = _unwrap(self._markdown.reset().convert(text))
        lines = text.split("\n")
        for needle, message in resolver.problems[problems_before:]:
            self.problems.append((line + _offset(lines, needle), message))
        for link in resolver.lesson_links[links_before:]:
            self.lesson_links.append((link.lesson_id, link.fragment, line + _offset(lines, link.url)))
        del resolver.problems[problems_before:], resolver.lesson_links[links_before:]
        return html


class QuizBlocks(Preprocessor):
    """Replaces each quiz or gift block of a lesson by its placeholders, before fenced code is read.

    It runs right after whitespace normalisation, which keeps the line count, so the block positions found
    in the lesson source still hold.
    """

    def __init__(self, md):
        super().__init__(md)
        self.replacements: dict[int, tuple[int, str]] = {}

    def run(self, lines: list[str]) -> list[str]:
        result, index = [], 0
        while index < len(lines):
            if index in self.replacements:
                end, html = self.replacements[index]
                result.extend(["", self.md.htmlStash.store(html) if html else "", ""])
                index = end + 1
            else:
                result.append(lines[index])
                index += 1
        return result


def _unwrap(html: str) -> str:
    """Markdown's single paragraph without its <p>, so a choice stays inline."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def _offset(lines: list[str], needle: str) -> int:
    return next((index for index, line in enumerate(lines) if needle and needle in line), 0)
