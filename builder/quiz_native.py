"""The native quiz syntax: one ```quiz block per question (see docs/authoring.md, QUIZ-SYNTAX).

Header lines (`id:`, `loại:`, `điểm:`, …) come first, then the question text, then one answer line each:
`+`/`-` choices (with optional `50%` weights), `=` accepted answers (numbers make it numeric), `a -> b`
pairs, `1.` steps, `đúng`/`sai`; `  > …` under a line is its feedback; `Giải thích:` starts the explanation.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from builder.i18n import N_, _, translate
from builder.quiz_source import QuizSyntaxError, Render, SourceQuestion, within_one_edit
from courses.quiz import (
    Choice, Description, Essay, Matching, MultipleChoice, NumberAnswer, Numeric, Ordering, Pair, ShortAnswer,
    SingleChoice, TextAnswer, TrueFalse, points_problem,
)

HEADER_KEYS = {"id": "id", "loai": "type", "type": "type", "diem": "points", "points": "points",
               "khong dau": "ignore-diacritics", "ignore diacritics": "ignore-diacritics",
               "hoa thuong": "ignore-case", "ignore case": "ignore-case",
               "hien dap an": "reveal", "reveal": "reveal"}
TYPES = {"mot lua chon": "single", "single": "single", "nhieu lua chon": "multiple", "multiple": "multiple",
         "dung sai": "truefalse", "truefalse": "truefalse", "tra loi ngan": "short", "short": "short",
         "so": "numeric", "numeric": "numeric", "ghep cap": "matching", "matching": "matching",
         "sap xep": "ordering", "ordering": "ordering", "tu luan": "essay", "essay": "essay",
         "mo ta": "description", "description": "description"}
YES, NO = {"co", "yes", "true"}, {"khong", "no", "false"}
TRUE_WORDS, FALSE_WORDS = {"dung", "true"}, {"sai", "false"}
KNOWN_HEADERS = ("id, loại/type, điểm/points, không dấu/ignore-diacritics, hoa thường/ignore-case, "
                 "hiện đáp án/reveal")

_HEADER = re.compile(r"^\s*([^\W\d_][\w -]{0,29}?)\s*:(?:\s+(.*?))?\s*$")
_FEEDBACK = re.compile(r"^\s*>\s?(.*)$")
_EXPLANATION = re.compile(r"^\s*(giải thích|giai thich|explanation)\s*:\s*(.*)$", re.IGNORECASE)
_CHOICE = re.compile(r"^\s*([+-])(\d+(?:[.,]\d+)?\s*%)?(?:\s+(.*))?$")
_ACCEPT = re.compile(r"^\s*=(?:\s*(.*))?$")
_STEP = re.compile(r"^\s*(\d+)[.)]\s+(\S.*)$")
_PAIR = re.compile(r"^(.*?)\s*->\s*(.*)$")
_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_NUMERIC = re.compile(rf"^({_NUMBER})(?:\s*(?:±|\+-|\+/-)\s*({_NUMBER})|\s*\.\.\s*({_NUMBER}))?$")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\t": "    "})


@dataclass
class _Item:
    kind: str  # choice, accept, pair, step, truefalse
    line: int
    text: str
    sign: str = ""
    weight: float | None = None
    feedback: list[str] = field(default_factory=list)
    feedback_line: int = 0


def parse_native(lines: list[str], first_line: int, render: Render) -> SourceQuestion:
    """One question from the lines inside a ```quiz block (the first of them is `first_line`)."""
    return _Block(lines, first_line, render).parse()


def fold(text: str) -> str:
    """Lower case ASCII without diacritics (đ -> d), hyphens and runs of spaces as one space."""
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("đ", "d").replace("Đ", "D").lower().replace("-", " ").replace("_", " ").split())


class _Block:
    def __init__(self, lines: list[str], first_line: int, render: Render):
        self.lines = [unicodedata.normalize("NFC", line.translate(_SPACES)).rstrip() for line in lines]
        self.first_line, self.render = first_line, render
        self.problems: list[tuple[int, str]] = []
        self.headers: dict[str, tuple[str, int]] = {}

    def error(self, index: int, message: str) -> None:
        """Record a problem at the block's line `index` (0-based)."""
        self.problems.append((self.first_line + index, message))

    def parse(self) -> SourceQuestion:
        text_start = self._headers()
        end = len(self.lines)
        answers_start = next((i for i in range(text_start + 1, end) if _answer_kind(self.lines[i]) in ANSWER_KINDS),
                             end)
        items: list[_Item] = []
        explanation, explanation_index = "", min(answers_start, max(end - 1, 0))
        for index in range(answers_start, end):
            line = self.lines[index]
            kind = _answer_kind(line)
            if kind == "explanation":
                explanation_index = index
                explanation = "\n".join([_EXPLANATION.match(line).group(2), *self.lines[index + 1:]]).strip()
                break
            self._answer_line(index, line, kind, items)
        question_text = "\n".join(self.lines[text_start:answers_start]).strip()
        question_line = self.first_line + min(text_start, max(end - 1, 0))
        if not question_text:
            self.problems.append((question_line, _("the question has no text")))
        question = self._question(items, question_text, question_line, explanation,
                                  self.first_line + explanation_index)
        if self.problems or question is None:
            raise QuizSyntaxError(self.problems or [(question_line, _("this question cannot be read"))])
        given = self.headers.get("id")
        return SourceQuestion(question_line, question, given[0] if given else None,
                              given[1] if given else 0, question_text)

    def _headers(self) -> int:
        index = 0
        while index < len(self.lines) and not self.lines[index].strip():
            index += 1
        while index < len(self.lines):
            found = _HEADER.match(self.lines[index])
            if found is None:
                break
            key = fold(found.group(1))
            name = HEADER_KEYS.get(key)
            near = next((known for known in HEADER_KEYS if within_one_edit(key.replace(" ", ""),
                                                                            known.replace(" ", ""))), None)
            if name is None and near is None:
                break
            if name is None:
                self.error(index, _("unknown header '%(header)s:' (did you mean '%(near)s:'? known: %(known)s)")
                           % {"header": found.group(1), "near": near, "known": KNOWN_HEADERS})
            elif name in self.headers:
                self.error(index, _("header '%(header)s:' is given twice") % {"header": found.group(1)})
            elif not found.group(2):
                self.error(index, _("header '%(header)s:' has no value") % {"header": found.group(1)})
            else:
                self.headers[name] = (found.group(2), self.first_line + index)
            index += 1
        return index

    def _answer_line(self, index: int, line: str, kind: str, items: list[_Item]) -> None:
        number = self.first_line + index
        if kind == "feedback":
            item = items[-1]
            item.feedback_line = item.feedback_line or number
            item.feedback.append(_FEEDBACK.match(line).group(1))
        elif kind == "blank":
            return
        elif kind == "choice":
            sign, weight, text = _CHOICE.match(line).groups()
            if not (text or "").strip():
                self.error(index, _("empty choice: write the choice after '%(sign)s'") % {"sign": sign})
            items.append(_Item("choice", number, (text or "").strip(), sign,
                               float(weight.rstrip(" %").replace(",", ".")) if weight else None))
        elif kind == "accept":
            text = (_ACCEPT.match(line).group(1) or "").strip()
            if not text:
                self.error(index, _("empty answer: write the accepted answer after '='"))
            items.append(_Item("accept", number, text))
        elif kind == "step":
            found = _STEP.match(line)
            items.append(_Item("step", number, found.group(2).strip(), weight=int(found.group(1))))
        elif kind == "truefalse":
            items.append(_Item("truefalse", number, fold(line)))
        elif kind == "pair":
            left, right = _PAIR.match(line).groups()
            if not right.strip():
                self.error(index, _("a matching pair needs text after '->'"))
            items.append(_Item("pair", number, left.strip(), sign=right.strip()))
        else:
            self.error(index, _("line not understood: an answer line starts with '+ ', '- ', '= ' or '1. ', contains "
                                "'->', or is đúng/sai; feedback lines start with '>'")
                       + (_(" (use '-', the minus key, not a dash pasted from Word)")
                          if line.lstrip()[:1] in "–—" else ""))

    def _question(self, items: list[_Item], text: str, line: int, explanation: str, explanation_line: int):
        kinds = list(dict.fromkeys(item.kind for item in items))
        forced = self._forced_type()
        if len(kinds) > 1:
            first = next(item for item in items if item.kind == kinds[1])
            self.problems.append((first.line, _("this block mixes %(first)s with %(second)s: one question per block")
                                  % {"first": _(_KIND_NAMES[kinds[0]]), "second": _(_KIND_NAMES[kinds[1]])}))
            return None
        kind = kinds[0] if kinds else None
        points = self._points()
        options = {name: self._flag(name) for name in ("ignore-case", "ignore-diacritics") if name in self.headers}
        common = dict(id="", text=self.render(text, "markdown", line), points=points,
                      explanation=self.render(explanation, "markdown", explanation_line),
                      reveal=self._flag("reveal") if "reveal" in self.headers else True)
        if options and not (kind == "accept" and forced in (None, "short") and not self._all_numbers(items)):
            self._header_error(next(iter(options)), _("header '%(header)s' applies to short answers only"))
        build = {None: self._no_answers, "choice": self._choices, "accept": self._accepted, "pair": self._pairs,
                 "step": self._steps, "truefalse": self._truefalse}[kind]
        return build(items, forced, common, options)

    def _no_answers(self, items, forced, common, options):
        if forced in ("essay", "description"):
            return (Essay if forced == "essay" else Description)(**common)
        self.problems.append((self.first_line + max(len(self.lines) - 1, 0), _(
            "no answers: add choices (+ right, - wrong), accepted answers (=), pairs (->), steps (1. 2.) or đúng/sai")))
        return None

    def _choices(self, items, forced, common, options):
        if not self._type_allows(forced, ("single", "multiple"), items[0]):
            return None
        choices = [Choice(self.render(item.text, "markdown", item.line),
                          None if item.weight is None else item.weight if item.sign == "+" else -item.weight,
                          self._feedback(item)) for item in items]
        right = sum(1 for item in items if item.sign == "+")
        weighted = any(item.weight is not None for item in items)
        if forced == "single" or (forced is None and right == 1 and not weighted):
            return SingleChoice(choices=tuple(
                Choice(c.text, c.weight if c.weight is not None else 100 if item.sign == "+" else 0, c.feedback)
                for c, item in zip(choices, items)), **common)
        return MultipleChoice(choices=tuple(self._multiple_weights(choices, items)), **common)

    def _multiple_weights(self, choices: list[Choice], items: list[_Item]) -> list[Choice]:
        """Unweighted right choices share what is left of 100 %; an unweighted wrong choice costs as much as
        an average right choice is worth."""
        explicit = sum(c.weight for c in choices if c.weight is not None and c.weight > 0)
        open_right = [i for i, item in enumerate(items) if item.sign == "+" and choices[i].weight is None]
        share = round((100 - explicit) / len(open_right), 4) if open_right else 0
        rights = sum(1 for i, c in enumerate(choices) if (c.weight or 0) > 0 or i in open_right)
        penalty = round(100 / rights, 4) if rights else 0
        result = []
        for choice, item in zip(choices, items):
            weight = choice.weight
            if weight is None:
                weight = share if item.sign == "+" else -penalty
            result.append(Choice(choice.text, weight, choice.feedback))
        return result

    def _accepted(self, items, forced, common, options):
        if not self._type_allows(forced, ("short", "numeric"), items[0]):
            return None
        numeric = forced == "numeric" or (forced is None and self._all_numbers(items))
        if not numeric:
            answers = tuple(TextAnswer(item.text, 100, self._feedback(item)) for item in items)
            return ShortAnswer(answers=answers, ignore_case=options.get("ignore-case", True),
                               ignore_diacritics=options.get("ignore-diacritics", False), **common)
        answers = []
        for item in items:
            bounds = _number_range(item.text)
            if bounds is None:
                self.problems.append((item.line, _("'%(text)s' is not a number: write e.g. 1822, 3,5 ± 0,1 or 1..5")
                                      % {"text": item.text}))
                continue
            answers.append(NumberAnswer(*bounds, 100, self._feedback(item)))
        return Numeric(answers=tuple(answers), **common)

    def _pairs(self, items, forced, common, options):
        if not self._type_allows(forced, ("matching",), items[0]):
            return None
        pairs = tuple(Pair(self.render(item.text, "markdown", item.line) if item.text else "", item.sign)
                      for item in items)
        self._no_feedback(items, _("a matching pair cannot have its own feedback: use 'Giải thích:' for the "
                                   "whole question"))
        return Matching(pairs=pairs, **common)

    def _steps(self, items, forced, common, options):
        if not self._type_allows(forced, ("ordering",), items[0]):
            return None
        for expected, item in enumerate(items, start=1):
            if item.weight != expected:
                self.problems.append((item.line, _("step %(number)s should be numbered %(expected)s: number the steps "
                                                   "1, 2, 3, … in the right order")
                                      % {"number": item.weight, "expected": expected}))
                break
        self._no_feedback(items, _("an ordering step cannot have its own feedback: use 'Giải thích:' for the "
                                   "whole question"))
        return Ordering(steps=tuple(self.render(item.text, "markdown", item.line) for item in items), **common)

    def _truefalse(self, items, forced, common, options):
        if not self._type_allows(forced, ("truefalse",), items[0]):
            return None
        values = [item.text in TRUE_WORDS for item in items]
        if len(items) > 2 or len(set(values)) != len(values):
            self.problems.append((items[-1].line, _("write đúng or sai once for the right answer (and, for its "
                                                    "feedback, the other one once on a line after it)")))
            return None
        feedback = {value: self._feedback(item) for value, item in zip(values, items)}
        return TrueFalse(correct=values[0], feedback_true=feedback.get(True, ""),
                         feedback_false=feedback.get(False, ""), **common)

    def _feedback(self, item: _Item) -> str:
        return self.render("\n".join(item.feedback).strip(), "markdown", item.feedback_line or item.line)

    def _no_feedback(self, items: list[_Item], message: str) -> None:
        for item in items:
            if item.feedback:
                self.problems.append((item.feedback_line, message))

    def _forced_type(self) -> str | None:
        if "type" not in self.headers:
            return None
        value, line = self.headers["type"]
        forced = TYPES.get(fold(value))
        if forced is None:
            self.problems.append((line, _("unknown question type '%(type)s' (known: một lựa chọn, nhiều lựa chọn, "
                                          "đúng sai, trả lời ngắn, số, ghép cặp, sắp xếp, tự luận, mô tả)")
                                  % {"type": value}))
        return forced

    def _type_allows(self, forced: str | None, types: tuple[str, ...], first: _Item) -> bool:
        if forced is None or forced in types:
            return True
        self.problems.append((first.line, _("'%(lines)s' lines do not fit the question type '%(type)s'")
                              % {"lines": _(_KIND_NAMES[first.kind]), "type": self.headers["type"][0]}))
        return False

    def _points(self) -> float:
        if "points" not in self.headers:
            return 1
        value, line = self.headers["points"]
        try:
            points = float(Decimal(value.replace(",", ".")))
        except InvalidOperation:
            points = 0
        problem = points_problem(points)
        if problem:
            self.problems.append((line, _("points '%(value)s' %(problem)s") % {"value": value,
                                                                             "problem": translate(problem)}))
            return 1
        return points

    def _flag(self, name: str) -> bool:
        value, line = self.headers[name]
        if fold(value) in YES:
            return True
        if fold(value) not in NO:
            self.problems.append((line, _("'%(value)s' must be có/yes or không/no") % {"value": value}))
        return False

    def _header_error(self, name: str, message: str) -> None:
        """Report `message`, a text with %(header)s, at the line of the header `name`."""
        value, line = self.headers[name]
        self.problems.append((line, message % {"header": name}))

    @staticmethod
    def _all_numbers(items: list[_Item]) -> bool:
        return all(_number_range(item.text) is not None for item in items)


ANSWER_KINDS = {"explanation", "choice", "accept", "step", "truefalse", "pair"}
_KIND_NAMES = {"choice": N_("choices (+/-)"), "accept": N_("accepted answers (=)"), "pair": N_("pairs (->)"),
               "step": N_("steps (1. 2. …)"), "truefalse": N_("đúng/sai")}


def _answer_kind(line: str) -> str | None:
    """What an answer line is, or None for a line that is none of them."""
    if not line.strip():
        return "blank"
    if _FEEDBACK.match(line):
        return "feedback"
    if _EXPLANATION.match(line):
        return "explanation"
    if _CHOICE.match(line):
        return "choice"
    if _ACCEPT.match(line):
        return "accept"
    if _STEP.match(line):
        return "step"
    if fold(line) in TRUE_WORDS | FALSE_WORDS:
        return "truefalse"
    if "->" in line:
        return "pair"
    return None


def _number_range(text: str) -> tuple[float, float] | None:
    """`3,5 ± 0,1`, `3.5 +- 0.1`, `1..5` or `1822` as (low, high); None when it is not a number."""
    found = _NUMERIC.match(text.strip())
    if found is None:
        return None
    value, margin, high = (Decimal(part.replace(",", ".")) if part else None for part in found.groups())
    if margin is not None:
        return float(value - margin), float(value + margin)
    if high is not None:
        return float(value), float(high)
    return float(value), float(value)
