"""Finding the ```quiz, ```gift and ```practice blocks of a lesson before Python-Markdown sees it.

Other fenced code blocks are skipped the way Python-Markdown reads them (an opening fence at the start of
a line, closed by the same fence), so an example of the syntax inside a ````markdown block stays an example.
A fence whose type looks like a misspelt quiz or gift is an error: its answer key would otherwise be shown
in the lesson as code.
"""

import re
from dataclasses import dataclass

from builder.i18n import _
from builder.quiz_source import within_one_edit

KINDS = ("quiz", "gift", "practice")
_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ ]*(?P<info>[^`\n]*?)[ ]*$")
_INDENTED = re.compile(r"^(?: {4,}|\t)\s*(?:`{3,}|~{3,})[ ]*(quiz|gift|practice)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Fence:
    """A quiz, gift or practice block: the indexes of its opening and closing lines in the lesson body."""

    kind: str
    start: int
    end: int  # the closing line; len(lines) when the block is not closed

    def content(self, lines: list[str]) -> list[str]:
        return lines[self.start + 1:self.end]


def find_fences(lines: list[str]) -> tuple[list[Fence], list[tuple[int, str]]]:
    """The quiz, gift and practice blocks of a lesson body, and (line index, message) problems."""
    fences, problems, index = [], [], 0
    while index < len(lines):
        found = _OPEN.match(lines[index])
        if found is None:
            indented = _INDENTED.match(lines[index])
            if indented:
                if indented.group(1).lower() == "practice":
                    message = _("a practice block cannot be indented (inside a list or a note box): start its fence "
                                "at the beginning of the line")
                else:
                    message = _("a quiz or gift block cannot be indented (inside a list or a note box): start its "
                                "fence at the beginning of the line")
                problems.append((index, message))
            index += 1
            continue
        fence, info = found.group("fence"), found.group("info")
        kind = info.lower().split()[0] if info.split() else ""
        if kind in KINDS:
            end = next((i for i in range(index + 1, len(lines)) if _closes(lines[i], fence)), len(lines))
            if end == len(lines):
                problems.append((index, _("this %(fence)s%(kind)s block is not closed: add a line %(fence)s after it")
                                 % {"fence": fence, "kind": kind}))
            fences.append(Fence(kind, index, end))
            index = end + 1
            continue
        if _looks_like(kind, "practice"):
            problems.append((index, _("unknown block type '%(type)s': write %(fence)spractice for a practice "
                                      "simulation") % {"type": info.split()[0], "fence": fence}))
        elif _looks_like(kind, "quiz", "gift"):
            problems.append((index, _("unknown block type '%(type)s': write %(fence)squiz for a question or "
                                      "%(fence)sgift for GIFT questions") % {"type": info.split()[0], "fence": fence}))
        if found.group("indent"):
            index += 1
            continue
        end = next((i for i in range(index + 1, len(lines)) if lines[i].rstrip(" ") == fence), None)
        index = index + 1 if end is None else end + 1
    return fences, problems


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip(" ")
    return (len(line) - len(line.lstrip(" ")) <= 3 and len(stripped) >= len(fence)
            and set(stripped) == {fence[0]})


def _looks_like(kind: str, *words: str) -> bool:
    """A block type one typo away from one of these words (quizz, qiuz, gitf, practise, …)."""
    return kind.startswith(words) or any(within_one_edit(kind, word) for word in words)
