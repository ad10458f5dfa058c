"""Rendering a lesson's Markdown to HTML, rewriting every reference through a LinkResolver."""

import json
import unicodedata
from dataclasses import dataclass

import markdown
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import TocExtension, slugify

from builder.lesson_quiz import compile_lesson_quiz
from builder.links import LinkResolver
from builder.quiz_render import QuizBlocks, QuizText
from builder.references import ReferencesExtension
from courses.practice import practice_to_dict
from courses.quiz import question_to_dict


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
    questions: tuple[tuple[int, str], ...] = ()  # (line, the question as canonical JSON), in source order
    practices: tuple[tuple[int, str], ...] = ()  # (line, the practice as canonical JSON), in source order


class LessonRenderer:
    """One reusable Markdown pipeline; render() is called once per lesson."""

    def __init__(self):
        self._extension = ReferencesExtension()
        self._markdown = markdown.Markdown(output_format="html", extensions=[
            "tables", "fenced_code", FootnoteExtension(BACKLINK_TITLE="↩ %d"), "def_list", "attr_list", "abbr", "md_in_html",
            "admonition", "sane_lists", TocExtension(slugify=vietnamese_slug), self._extension])
        self._quiz_blocks = QuizBlocks(self._markdown)
        self._markdown.preprocessors.register(self._quiz_blocks, "tramhoc_quiz_blocks", 29)
        self._quiz_text = QuizText()

    def render(self, body: str, body_line: int, resolver: LinkResolver, source_kind: str = "md") -> RenderedLesson:
        """Render a lesson body (or a .gift lesson, source_kind "gift"); references are resolved, quiz blocks
        become placeholders, and problems are located in the source."""
        self._quiz_text.start(resolver)
        quiz = compile_lesson_quiz(body, body_line, source_kind, self._quiz_text)
        self._extension.start(resolver)
        if source_kind == "gift":
            html = quiz.placeholders
        else:
            self._quiz_blocks.replacements = quiz.replacements
            html = self._markdown.reset().convert(body)
        locate = _LineFinder(quiz.masked_body, body_line)
        links = [(link.lesson_id, link.fragment, locate(link.url)) for link in resolver.lesson_links]
        return RenderedLesson(
            html=html,
            assets=tuple(sorted(resolver.assets)),
            lesson_links=tuple(links + self._quiz_text.lesson_links),
            anchors=tuple(sorted(self._extension.anchors)),
            problems=tuple([(locate(needle), message) for needle, message in resolver.problems]
                           + self._quiz_text.problems + list(quiz.problems)),
            questions=tuple((line, json.dumps(question_to_dict(question), ensure_ascii=False, sort_keys=True))
                            for line, question in quiz.questions),
            practices=tuple((line, json.dumps(practice_to_dict(practice), ensure_ascii=False, sort_keys=True))
                            for line, practice in quiz.practices),
        )


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
