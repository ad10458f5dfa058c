"""What the quiz parsers share: their error, the question they yield with its source line, the renderer
they call for texts, and the rule that gives a question its id."""

import html
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Callable

from builder.i18n import _
from courses.model import is_valid_id
from courses.quiz import Question

# (text, format, line) -> HTML. Formats: markdown (native syntax), and GIFT's moodle, html, plain, markdown.
Render = Callable[[str, str, int], str]
DERIVED_ID_LENGTH = 48


class QuizSyntaxError(Exception):
    """A quiz block that cannot be read; `problems` holds every (line, message), `line` the first line."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        self.line = self.problems[0][0]
        super().__init__(f"line {self.line}: {self.problems[0][1]}")


@dataclass(frozen=True)
class SourceQuestion:
    """A parsed question, where it was written, and what its id is made from."""

    line: int
    question: Question  # its id is empty until assign_id()
    given_id: str | None = None  # the id the author wrote, if any (not yet checked)
    id_line: int = 0
    id_basis: str = ""  # text the id is derived from when none is given
    tags: tuple[str, ...] = ()  # GIFT [tag:…] metadata
    category: str | None = None  # the GIFT $CATEGORY in force


def assign_id(item: SourceQuestion) -> tuple[SourceQuestion, tuple[int, str] | None]:
    """The question with its final id (the given one, else one derived), or a (line, message) problem."""
    if item.given_id is not None:
        if not is_valid_id(item.given_id):
            return item, (item.id_line or item.line,
                          _("question id %(id)r must be lowercase letters (a-z), digits and hyphens, at most 64, "
                            "starting with a letter or digit") % {"id": item.given_id})
        question_id = item.given_id
    else:
        question_id = derive_question_id(item.id_basis)
        if question_id is None:
            return item, (item.line, _("cannot make an id from this question's text: write one, e.g. 'id: cau-1'"))
    return replace(item, question=replace(item.question, id=question_id)), None


def derive_question_id(basis: str) -> str | None:
    """The id of a question that has none: its first words, without tags or diacritics, joined by hyphens.

    It depends only on the question's own title or text, so editing one question never renumbers another.
    """
    text = html.unescape(re.sub(r"<[^>]*>", " ", basis))
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    words = re.findall(r"[a-z0-9]+", text.replace("đ", "d").replace("Đ", "D").lower())
    derived = ""
    for word in words:
        longer = f"{derived}-{word}" if derived else word
        if len(longer) > DERIVED_ID_LENGTH:
            break
        derived = longer
    return (derived or (words[0][:DERIVED_ID_LENGTH] if words else "")) or None



def within_one_edit(a: str, b: str) -> bool:
    """True when b is a with at most one letter added, removed, changed, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differing = [i for i in range(len(a)) if a[i] != b[i]]
        return len(differing) <= 1 or (len(differing) == 2 and differing[1] == differing[0] + 1
                                        and a[differing[0]] == b[differing[1]] and a[differing[1]] == b[differing[0]])
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))
