"""Moodle GIFT questions, read the way Moodle 4.5's importer reads them, with a line for every problem.

Questions are separated by blank lines; `//` lines are comments (their `[id:…]` and `[tag:…]` are kept);
`::title::`, `[html]`/`[markdown]`/`[plain]`/`[moodle]` formats, `\\~ \\= \\# \\{ \\} \\:` and `\\n` escapes,
`####` general feedback and `$CATEGORY:` lines work as in Moodle. Where Moodle would silently import
something odd (an unclosed title, a stray brace, a weight it cannot read) this parser reports the line.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from builder.i18n import _
from builder.quiz_source import QuizSyntaxError, Render, SourceQuestion
from builder.sources import SourceEncodingError, decode_source
from courses.quiz import (
    Choice, Description, Essay, Matching, MultipleChoice, NumberAnswer, Numeric, Pair, ShortAnswer, SingleChoice,
    TextAnswer, TrueFalse,
)

FORMATS = ("moodle", "html", "plain", "markdown")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_ESCAPES = {":": "\ue03a", "#": "\ue023", "=": "\ue03d", "{": "\ue07b", "}": "\ue07d", "~": "\ue07e", "n": "\ue00a"}
_RESTORE = str.maketrans({mark: "\n" if char == "n" else char for char, mark in _ESCAPES.items()})
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ID = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")


@dataclass(frozen=True)
class GiftParse:
    """The questions of a GIFT text and its `$CATEGORY` lines, both in source order."""

    questions: tuple[SourceQuestion, ...]
    categories: tuple[tuple[int, str], ...]


def decode_gift(data: bytes) -> str:
    """A GIFT file's text; anything but UTF-8 is refused, as Moodle refuses it."""
    try:
        return decode_source(data)
    except SourceEncodingError as error:
        raise QuizSyntaxError([(error.line, _("file is not UTF-8 text: GIFT files must use UTF-8 (save it as UTF-8 "
                                              "in your editor)"))]) from None


def comment_metadata(comment: str) -> tuple[str, tuple[str, ...]]:
    """The idnumber (first `[id:…]`, else "") and tags (`[tag:…]`) written in a question's comments."""
    found = _ID.search(comment)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = tuple(tag for tag in (m.group(1).strip().replace("\\]", "]") for m in _TAG.finditer(comment)) if tag)
    return idnumber, tags


def parse_gift(text: str, first_line: int, render: Render) -> GiftParse:
    """Every question of a GIFT text whose first line is `first_line`; raises QuizSyntaxError listing all
    problems."""
    questions, categories, problems = [], [], []
    category = None
    for start, block in _blocks(text.split("\n")):
        reader = _BlockReader(block, first_line + start, render, category)
        try:
            item = reader.read()
        except QuizSyntaxError as error:
            problems.extend(error.problems)
            continue
        if isinstance(item, tuple):
            categories.append(item)
            category = item[1]
        elif item is not None:
            questions.append(item)
    if problems:
        raise QuizSyntaxError(problems)
    return GiftParse(tuple(questions), tuple(categories))


def _blocks(lines: list[str]):
    """(index of first line, lines) of each run of non-blank lines."""
    start = None
    for index, line in enumerate([*lines, ""]):
        if line.strip() and start is None:
            start = index
        elif not line.strip() and start is not None:
            yield start, lines[start:index]
            start = None


class _BlockReader:
    """One blank-line-separated block: a question, a $CATEGORY line, or only comments."""

    def __init__(self, lines: list[str], first_line: int, render: Render, category: str | None):
        self.first_line, self.render, self.category = first_line, render, category
        self.comments = [(first_line + i, line.strip()) for i, line in enumerate(lines)
                         if line.strip().startswith("//")]
        raw = "\n".join(" " if line.strip().startswith("//") else line for line in lines)
        self.text = self._escape(raw)

    def line(self, index: int) -> int:
        return self.first_line + self.text.count("\n", 0, index)

    def fail(self, index: int, message: str):
        raise QuizSyntaxError([(self.line(index), message)])

    def read(self):
        text = self.text
        start, end = _strip(text, 0, len(text))
        if start == end:
            return None
        if text.startswith("$CATEGORY:", start):
            name = _restore(text[start + len("$CATEGORY:"):end]).strip()
            if "\n" in name:
                self.fail(start, _("put a blank line after the $CATEGORY line"))
            return self.line(start), name
        title = ""
        if text.startswith("::", start):
            close = text.find("::", start + 2, end)
            if close < 0:
                self.fail(start, _("the question title is not closed: end it with '::' (or write \\: for a colon)"))
            title = " ".join(_restore(text[start + 2:close]).split())
            start, end = _strip(text, close + 2, end)
        line = self.line(start)
        opening, closing = text.find("{", start, end), text.find("}", start, end)
        if opening < 0 and closing < 0:
            return self._question(Description, title, text[start:end], line, None, {})
        self._check_braces(opening, closing, end)
        answer_start, answer_end = _strip(text, opening + 1, closing)
        general = text.rfind("####", answer_start, answer_end)
        explanation = (general + 4, answer_end) if general >= 0 else None
        if general >= 0:
            answer_start, answer_end = _strip(text, answer_start, general)
        blank = "" if closing == end - 1 else "_____"
        stem = text[start:opening] + blank + text[closing + 1:end]
        kind, fields = self._answers(answer_start, answer_end, _with_format(stem, "moodle")[0])
        return self._question(kind, title, stem, line, explanation, fields)

    def _question(self, kind, title: str, stem: str, line: int, explanation, fields: dict) -> SourceQuestion:
        fmt, body = _with_format(stem, "moodle")
        explanation = self._render(*explanation, fmt) if explanation else self.render("", fmt, line)
        idnumber, tags = comment_metadata("".join(comment + "\n" for _, comment in self.comments))
        id_line = next((number for number, comment in self.comments if "[id:" in comment), line)
        question = kind(id="", text=self.render(body, fmt, line), explanation=explanation, title=title,
                        source="gift", **fields)
        return SourceQuestion(line, question, idnumber or None, id_line, title or body, tags, self.category)

    def _check_braces(self, opening: int, closing: int, end: int) -> None:
        if opening < 0:
            self.fail(closing, _("'}' without '{' (write \\} for a brace in the text)"))
        if closing < 0:
            self.fail(opening, _("'{' is not closed: end the answers with '}' (write \\{ for a brace in the text)"))
        if closing < opening:
            self.fail(closing, _("'}' comes before '{' (write \\} for a brace in the text)"))
        inner = self.text.find("{", opening + 1, closing)
        if inner >= 0:
            self.fail(inner, _("'{' inside the answers: close them with '}' first, or write \\{"))
        extra = min((i for i in (self.text.find("{", closing + 1, end), self.text.find("}", closing + 1, end))
                     if i >= 0), default=-1)
        if extra >= 0:
            self.fail(extra, _("a question has one answer block { … }: write \\{ or \\} for a brace in the text, "
                               "and leave a blank line between questions"))

    def _answers(self, start: int, end: int, fmt: str):
        text = self.text[start:end]
        if not text:
            return Essay, {}
        if text[0] == "#":
            return Numeric, {"answers": self._numeric(start + 1, end, fmt)}
        if "~" in text:
            choices = self._choices(start, end, fmt)
            return (SingleChoice if "=" in text else MultipleChoice), {"choices": choices}
        if "=" in text and "->" in text:
            return Matching, {"pairs": self._pairs(start, end, fmt)}
        hash_at = text.find("#")
        if _restore(text[:hash_at] if hash_at > 0 else text).strip() in TRUE_FALSE:
            return TrueFalse, self._truefalse(start, end, fmt)
        return ShortAnswer, {"answers": self._short(start, end, fmt)}

    def _choices(self, start: int, end: int, fmt: str) -> tuple[Choice, ...]:
        choices = []
        for piece_start, piece_end in self._pieces(start, end, "~", keep="="):
            weight, piece_start = self._weight(piece_start, piece_end, default=0, equals=100)
            text, feedback = self._comment(piece_start, piece_end, fmt)
            choices.append(Choice(text, weight, feedback))
        return tuple(choices)

    def _short(self, start: int, end: int, fmt: str) -> tuple[TextAnswer, ...]:
        answers = []
        for piece_start, piece_end in self._pieces(start, end, "="):
            weight, piece_start = self._weight(piece_start, piece_end, default=100)
            cut = self._hash(piece_start, piece_end)
            answers.append(TextAnswer(_with_format(self.text[piece_start:cut], fmt)[1], weight,
                                      self._feedback(cut, piece_end, fmt)))
        return tuple(answers)

    def _numeric(self, start: int, end: int, fmt: str) -> tuple[NumberAnswer, ...]:
        other = self.text.find("~", start, end)
        answers = []
        pieces = self._pieces(start, other if other >= 0 else end, "=")
        if not pieces:
            self.fail(start, _("no numeric answer after '#': write e.g. {#1822} or {#3.14:0.01} or {#1..5}"))
        for piece_start, piece_end in pieces:
            weight, piece_start = self._weight(piece_start, piece_end, default=100)
            cut = self._hash(piece_start, piece_end)
            low, high = self._range(piece_start, cut)
            answers.append(NumberAnswer(low, high, weight, self._feedback(cut, piece_end, fmt)))
        if other >= 0:
            answers.append(NumberAnswer(None, None, 0, self._feedback(self._hash(other, end), end, fmt)))
        return tuple(answers)

    def _pairs(self, start: int, end: int, fmt: str) -> tuple[Pair, ...]:
        pairs = []
        for piece_start, piece_end in self._pieces(start, end, "="):
            arrow = self.text.find("->", piece_start, piece_end)
            if arrow < 0:
                self.fail(piece_start, _("a matching pair needs '->' between its two sides"))
            left_fmt, left = _with_format(self.text[piece_start:arrow], fmt)
            pairs.append(Pair(self.render(left, left_fmt, self.line(piece_start)),
                              _restore(self.text[arrow + 2:piece_end]).strip()))
        return tuple(pairs)

    def _truefalse(self, start: int, end: int, fmt: str) -> dict:
        """`{T#wrong#right}`: the first feedback is for a wrong answer, the second for a right one."""
        cuts = [index for index in range(start, end) if self.text[index] == "#"][:2]
        spans = list(zip([start, *(cut + 1 for cut in cuts)], [*cuts, end]))
        correct = TRUE_FALSE[_restore(self.text[spans[0][0]:spans[0][1]]).strip()]
        feedback = [self._render(a, b, fmt) for a, b in spans[1:]]
        wrong, right = feedback + [self.render("", fmt, self.line(start))] * (2 - len(feedback))
        return {"correct": correct, "feedback_true": right if correct else wrong,
                "feedback_false": wrong if correct else right}

    def _pieces(self, start: int, end: int, separator: str, keep: str = "") -> list[tuple[int, int]]:
        """Split at `separator` (dropped) and before `keep` (kept); a blank first piece is dropped."""
        cuts, pieces, piece_start = [], [], start
        for index in range(start, end):
            char = self.text[index]
            if char == separator:
                cuts.append((piece_start, index))
                piece_start = index + 1
            elif char == keep and index > piece_start:
                cuts.append((piece_start, index))
                piece_start = index
        cuts.append((piece_start, end))
        for number, (a, b) in enumerate(cuts):
            a, b = _strip(self.text, a, b)
            if a == b:
                if number == 0:
                    continue
                self.fail(a, _("empty answer: remove the extra marker (~ or =) or write the answer after it"))
            pieces.append((a, b))
        return pieces

    def _weight(self, start: int, end: int, default: float, equals: float | None = None) -> tuple[float, int]:
        """The answer's weight (`%50%`, or `=` in a choice) and where its text starts."""
        text = self.text
        if equals is not None and text.startswith("=", start):
            start += 1
            default = equals
            start = _strip(text, start, end)[0]
        if text.startswith("%", start):
            found = _WEIGHT.match(text, start, end)
            if found is None:
                self.fail(start, _("unreadable weight: write a percentage between % signs, such as %50% or %-25%"))
            weight = float(found.group(1))
            if abs(weight) > 100:
                self.fail(start, _("weight %(weight)s%% is outside -100%% … 100%%") % {"weight": found.group(1)})
            return weight, found.end()
        return default, start

    def _range(self, start: int, end: int) -> tuple[float | None, float | None]:
        value = _restore(self.text[start:end]).strip()
        if value == "*":
            return None, None
        if value.find("..") > 0:
            low, high = (part.strip() for part in value.split("..", 1))
            bounds = self._numbers(start, low, high)
            return float(bounds[0]), float(bounds[1])
        if value.find(":") > 0:
            number, margin = (part.strip() for part in value.split(":", 1))
            number, margin = self._numbers(start, number, margin)
            if margin < 0:
                self.fail(start, _("the error margin %(margin)s must not be negative") % {"margin": margin})
            return float(number - margin), float(number + margin)
        (number,) = self._numbers(start, value)
        return float(number), float(number)

    def _numbers(self, at: int, *values: str) -> list[Decimal]:
        for value in values:
            if not _NUMBER.fullmatch(value):
                self.fail(at, _("'%(value)s' is not a number: write e.g. 1822, 3.14:0.01 or 1..5") % {"value": value})
        return [Decimal(value) for value in values]

    def _hash(self, start: int, end: int) -> int:
        found = self.text.find("#", start, end)
        return found if found >= 0 else end

    def _comment(self, start: int, end: int, fmt: str) -> tuple[str, str]:
        """An answer's text and its `#` feedback, both rendered."""
        cut = self._hash(start, end)
        return self._render(start, cut, fmt), self._feedback(cut, end, fmt)

    def _feedback(self, cut: int, end: int, fmt: str) -> str:
        """The rendered feedback after the `#` at `cut` (empty when there is none)."""
        if cut < end:
            return self._render(cut + 1, end, fmt)
        return self.render("", fmt, self.line(end))

    def _render(self, start: int, end: int, default_fmt: str) -> str:
        start, end = _strip(self.text, start, end)
        fmt, text = _with_format(self.text[start:end], default_fmt)
        return self.render(text, fmt, self.line(start))

    def _escape(self, raw: str) -> str:
        """Moodle's escapes: `\\\\` is a backslash, `\\:` `\\#` `\\=` `\\{` `\\}` `\\~` literal, `\\n` a new line."""
        if any(mark in raw for mark in _ESCAPES.values()):
            index = next(i for i, c in enumerate(raw) if c in _ESCAPES.values())
            raise QuizSyntaxError([(self.first_line + raw.count("\n", 0, index),
                                    _("character %(code)s (private use) is not allowed")
                                    % {"code": f"U+{ord(raw[index]):04X}"})])
        out, index = [], 0
        while index < len(raw):
            char = raw[index]
            following = raw[index + 1] if index + 1 < len(raw) else ""
            if char == "\\" and following == "\\":
                out.append("\\")
                index += 2
            elif char == "\\" and following in _ESCAPES:
                out.append(_ESCAPES[following])
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)


def _with_format(text: str, default: str) -> tuple[str, str]:
    """A `[format]` prefix and the text after it (escapes restored, trimmed)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        name = text[1:text.index("]")].lower()
        if name in FORMATS:
            return name, _restore(text[text.index("]") + 1:]).strip()
    return default, _restore(text).strip()


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
