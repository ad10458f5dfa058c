"""Practice simulations: the model shared by builder and player, its JSON member, and a strict reader.

A practice is a sequence of steps on screens that resemble a public-service portal, a signing tool or a
phone. Each step has fields the learner fills in or chooses; the player checks every field against the
value the author expects, on its own side. Texts are plain text (the player escapes them). The three
kinds and the step types each may use are fixed here, so builder and player agree on them.
"""

import json
from dataclasses import dataclass

from courses.errors import BundleError
from courses.manifest import _Checker as Checker
from courses.members import practice_member
from courses.model import is_valid_id
from courses.quiz import _only

MAX_PRACTICE_BYTES = 4 * 1024 * 1024
KINDS = ("procedure", "signing", "messages")
STEP_TYPES = {
    "procedure": ("sign-in", "otp", "search", "form", "attach", "review", "submit", "pay"),
    "signing": ("open-file", "certificate", "pin", "place-signature", "verify"),
    "messages": ("sms", "chat", "call"),
}
FIELD_TYPES = ("text", "date", "choice", "file", "pin")
CHOOSING = ("choice", "file")  # field types whose answer is one of their choices
_PLACEHOLDER = '<div class="practice-block" id="practice-{id}"></div>'  # only div, class and id: kept by sanitisers


@dataclass(frozen=True)
class PracticeField:
    """One box or choice on a step's screen, and the value the scenario expects in it."""

    id: str
    label: str
    type: str  # one of FIELD_TYPES
    expected: str  # a date is written yyyy-mm-dd
    choices: tuple[str, ...] = ()
    hint: str = ""  # the author's hint, shown after a first mistake
    more_hint: str = ""  # a stronger hint after a second mistake; the player makes one when empty
    caption: str = ""  # a translation of the label (the English course keeps Vietnamese labels)


@dataclass(frozen=True)
class PracticeStep:
    """One screen: what it shows, its fields, and what the learner learns once it is done."""

    id: str
    type: str  # one of STEP_TYPES[kind]
    screen: str  # the screen's title
    caption: str = ""
    text: str = ""  # what the screen shows: a message, a document, instructions on the portal
    sender: str = ""  # who a message or call comes from
    phone: str = ""  # what the drawn phone shows (an OTP message, a notification)
    fields: tuple[PracticeField, ...] = ()
    explanation: str = ""  # shown once the step is done (the tell-tale signs of a scam, …)
    next: str | None = None  # the step that follows; None: the next one in order


@dataclass(frozen=True)
class Practice:
    """A practice simulation of one lesson: its stable id, kind, title, scenario card and steps."""

    id: str
    kind: str
    title: str
    scenario: str
    steps: tuple[PracticeStep, ...]

    def step(self, step_id: str) -> PracticeStep | None:
        return next((step for step in self.steps if step.id == step_id), None)

    def following(self, step: PracticeStep) -> PracticeStep | None:
        """The step after this one (its `next`, else the next in order), or None at the end."""
        if step.next is not None:
            return self.step(step.next)
        index = self.steps.index(step)
        return self.steps[index + 1] if index + 1 < len(self.steps) else None

    def path(self) -> tuple[PracticeStep, ...]:
        """The steps a learner goes through, in order, from the first to the end."""
        found, step = [], self.steps[0] if self.steps else None
        while step is not None and step not in found:
            found.append(step)
            step = self.following(step)
        return tuple(found)


def practice_placeholder(practice_id: str) -> str:
    """What stands in a lesson page where a practice was written; the player puts the practice there."""
    return _PLACEHOLDER.format(id=practice_id)


def practice_problems(practice: Practice) -> list[str]:
    """What makes a practice unusable: for the builder (with lines) and the reader (as a BundleError)."""
    problems = []
    if practice.kind not in KINDS:
        problems.append(f"unknown practice kind {practice.kind!r}")
    if not practice.steps:
        problems.append("a practice needs at least one step")
    ids = [step.id for step in practice.steps]
    for step in practice.steps:
        if step.type not in STEP_TYPES.get(practice.kind, ()):
            problems.append(f"step {step.id!r}: unknown step type {step.type!r}")
        if step.next is not None and step.next not in ids:
            problems.append(f"step {step.id!r}: goes on to an unknown step {step.next!r}")
        for field in step.fields:
            problems.extend(f"step {step.id!r}, field {field.id!r}: {p}" for p in field_problems(field))
    reachable = practice.path()
    problems.extend(f"step {step.id!r} can never be reached" for step in practice.steps if step not in reachable)
    if len(set(ids)) != len(ids):
        problems.append("two steps have the same id")
    return problems


def field_problems(field: PracticeField) -> list[str]:
    """What is wrong with one field on its own."""
    problems = []
    if not field.label.strip():
        problems.append("field without a label")
    if field.type not in FIELD_TYPES:
        problems.append(f"unknown field type {field.type!r}")
    if field.type in CHOOSING and field.expected not in field.choices:
        problems.append(f"expected value {field.expected!r} is not one of the choices: no choice can produce it")
    if field.type not in CHOOSING and field.choices:
        problems.append("only a choice or file field has choices")
    if not field.expected.strip():
        problems.append("no expected value")
    return problems


def practice_to_dict(practice: Practice) -> dict:
    return {"id": practice.id, "kind": practice.kind, "title": practice.title, "scenario": practice.scenario,
            "steps": [{"id": s.id, "type": s.type, "screen": s.screen, "caption": s.caption, "text": s.text,
                       "sender": s.sender, "phone": s.phone, "explanation": s.explanation, "next": s.next,
                       "fields": [{"id": f.id, "label": f.label, "type": f.type, "expected": f.expected,
                                   "choices": list(f.choices), "hint": f.hint, "more_hint": f.more_hint,
                                   "caption": f.caption} for f in s.fields]}
                      for s in practice.steps]}


def practices_to_bytes(practices: list[Practice]) -> bytes:
    """A lesson's practice member: canonical UTF-8 JSON."""
    data = {"practices": [practice_to_dict(practice) for practice in practices]}
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def practice_from_json(data, where: str = "practice") -> Practice:
    """A practice from its JSON form, checked; raises BundleError naming the offending field."""
    node = Checker(data, where)
    _only(node, ("id", "kind", "title", "scenario", "steps"))
    steps = []
    for item in node.get("steps", list).items():
        _only(item, ("id", "type", "screen", "caption", "text", "sender", "phone", "explanation", "next", "fields"))
        fields = []
        for entry in item.get("fields", list).items():
            _only(entry, ("id", "label", "type", "expected", "choices", "hint", "more_hint", "caption"))
            choices = tuple(choice.value for choice in entry.get("choices", list).items())
            if not all(isinstance(choice, str) for choice in choices):
                entry.fail("choices must be text")
            fields.append(PracticeField(
                _id(entry), *(entry.get(key, str).value for key in ("label", "type", "expected")), choices,
                *(entry.get(key, str).value for key in ("hint", "more_hint", "caption"))))
        steps.append(PracticeStep(
            _id(item), *(item.get(key, str).value for key in ("type", "screen", "caption", "text", "sender",
                                                               "phone")),
            fields=tuple(fields), explanation=item.get("explanation", str).value,
            next=item.get("next", str, optional=True).value))
    practice = Practice(_id(node), node.get("kind", str).value, node.get("title", str).value,
                        node.get("scenario", str).value, tuple(steps))
    problems = practice_problems(practice)
    if problems:
        node.fail(problems[0])
    return practice


def load_practices(bundle) -> dict[str, tuple[Practice, ...]]:
    """Lesson id -> its practices, for every lesson of an open bundle that has some."""
    found = {}
    for lesson in bundle.course.lessons:
        member = practice_member(lesson.id)
        if not bundle.has(member):
            continue
        raw = bundle.read(member)
        if len(raw) > MAX_PRACTICE_BYTES:
            raise BundleError(f"{member} is too large")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise BundleError(f"{member} is not valid UTF-8 JSON: {error}") from None
        root = Checker(data, member)
        _only(root, ("practices",))
        found[lesson.id] = tuple(practice_from_json(item.value, item.where)
                                 for item in root.get("practices", list).items())
    return found


def _id(node: Checker) -> str:
    value = node.get("id", str).value
    if not is_valid_id(value):
        node.fail(f"bad id {value!r}")
    return value

