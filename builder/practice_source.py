"""The ```practice block: a practice simulation written as YAML with Vietnamese (or English) field names,
read into courses.practice with every mistake reported at its line, in trainers' words (see
docs/authoring.md, "Practice simulations")."""

import re
import unicodedata
from datetime import date

from builder.i18n import N_, _
from builder.quiz_native import fold
from builder.quiz_source import derive_question_id
from builder.yamlsource import Located, YamlError, load_yaml
from courses.model import is_valid_id
from courses.practice import CHOOSING, STEP_TYPES, Practice, PracticeField, PracticeStep

# Folded spelling (quiz_native.fold) -> model name, for each level of the block.
PRACTICE_KEYS = {"id": "id", "loai": "kind", "kind": "kind", "tieu de": "title", "title": "title",
                 "tinh huong": "scenario", "scenario": "scenario", "buoc": "steps", "steps": "steps"}
STEP_KEYS = {"id": "id", "loai": "type", "type": "type", "man hinh": "screen", "screen": "screen",
             "chu thich": "caption", "caption": "caption", "noi dung": "text", "text": "text", "tu": "sender",
             "from": "sender", "dien thoai": "phone", "phone": "phone", "truong": "fields", "fields": "fields",
             "giai thich": "explanation", "explanation": "explanation", "tiep theo": "next", "next": "next"}
FIELD_KEYS = {"id": "id", "nhan": "label", "label": "label", "kieu": "type", "type": "type", "dung": "expected",
              "answer": "expected", "lua chon": "choices", "choices": "choices", "goi y": "hint", "hint": "hint",
              "goi y them": "more_hint", "more hint": "more_hint", "chu thich": "caption", "caption": "caption"}
KINDS = {"thu tuc": "procedure", "procedure": "procedure", "ky so": "signing", "signing": "signing",
         "tin nhan": "messages", "messages": "messages"}
KIND_NAMES = {"procedure": "thủ tục", "signing": "ký số", "messages": "tin nhắn"}
STEP_TYPE_NAMES = {
    "sign-in": "đăng nhập", "otp": "mã OTP", "search": "tìm thủ tục", "form": "biểu mẫu", "attach": "đính kèm",
    "review": "xem lại", "submit": "nộp hồ sơ", "pay": "thanh toán", "open-file": "mở tệp",
    "certificate": "chứng thư", "pin": "mã PIN", "place-signature": "đặt chữ ký", "verify": "kiểm tra chữ ký",
    "sms": "tin nhắn", "chat": "trò chuyện", "call": "cuộc gọi"}
FIELD_TYPE_NAMES = {"text": "chữ", "date": "ngày", "choice": "chọn", "file": "tệp", "pin": "mã PIN"}
A_PRACTICE, A_STEP, A_FIELD = N_("a practice"), N_("a step"), N_("a field")
KNOWN = {A_PRACTICE: "id, loại, tiêu đề, tình huống, bước",
         A_STEP: "id, loại, màn hình, chú thích, nội dung, từ, điện thoại, trường, giải thích, tiếp theo",
         A_FIELD: "id, nhãn, kiểu, đúng, lựa chọn, gợi ý, gợi ý thêm, chú thích"}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YAML_BREAKS = str.maketrans({"\r": " ", "\x85": " ", "\u2028": " ", "\u2029": " "})  # YAML counts them as lines


class PracticeSyntaxError(Exception):
    """A practice block that cannot be used; `problems` holds every (line, message), `line` the first line."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        self.line = self.problems[0][0]
        super().__init__(f"line {self.line}: {self.problems[0][1]}")


def parse_practice(lines: list[str], first_line: int) -> Practice:
    """The practice written in the lines inside a ```practice block (the first of them is `first_line`)."""
    return _Block(lines, first_line).parse()


def parse_date(text: str) -> str | None:
    """dd/mm/yyyy (as Vietnamese forms write it) as yyyy-mm-dd, or None when it is not a real date."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _names(table: dict[str, str], model_names) -> str:
    return ", ".join(f"'{table[name]}'" for name in model_names)


class _Block:
    def __init__(self, lines: list[str], first_line: int):
        self.text = unicodedata.normalize("NFC", "\n".join(lines)).translate(_YAML_BREAKS)
        self.first_line = first_line
        self.problems: list[tuple[int, str]] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def parse(self) -> Practice:
        try:
            self.doc = load_yaml(self.text, self.first_line, texts_only=True)
        except YamlError as error:
            if error.kind == "colon":
                said = _("a text that itself contains ': ' must be put in quotes, e.g. gợi ý: \"Đọc lại: …\"")
            elif error.kind:
                said = str(error)
            else:
                said = _("%(problem)s; check the indentation and that every line is 'name: value' or '- value'") % {
                    "problem": error}
            raise PracticeSyntaxError([(error.line, _("this practice block cannot be read: %(problem)s")
                                        % {"problem": said})]) from None
        practice = self._practice(self.doc.data)
        if self.problems or practice is None:
            raise PracticeSyntaxError(self.problems or [(self.first_line, _("this practice block is empty"))])
        return practice

    def _fields_of(self, data, table: dict[str, str], path: tuple, what: str) -> dict | None:
        """The entries of a mapping under their model names; unknown names reported. `what` is A_PRACTICE,
        A_STEP or A_FIELD."""
        if not isinstance(data, dict):
            self.error(self.doc.line(*path), _("%(what)s must be lines of 'name: value'") % {"what": _(what)})
            return None
        found = {}
        for key, value in data.items():
            name = table.get(fold(str(key)))
            if name is None:
                self.error(self.doc.line(*path, key), _("unknown name '%(key)s' in %(what)s (known: %(known)s)")
                           % {"key": key, "what": _(what), "known": KNOWN[what]})
            elif name in found:
                self.error(self.doc.line(*path, key), _("'%(key)s' is written twice in %(what)s")
                           % {"key": key, "what": _(what)})
            else:
                found[name] = (key, value)
        return found

    def _text(self, found: dict, name: str, path: tuple, required: str = "") -> str:
        if name not in found:
            if required:
                self.error(self.doc.line(*path), required)
            return ""
        key, value = found[name]
        if not isinstance(value, str):
            self.error(self.doc.line(*path, key), _("'%(key)s' must be a text on the same line") % {"key": key})
            return ""
        text = value.strip()
        if not text and required:
            self.error(self.doc.line(*path, key), required)
        return text

    def _practice(self, data) -> Practice | None:
        if data is None:
            return None
        found = self._fields_of(data, PRACTICE_KEYS, (), A_PRACTICE)
        if found is None:
            return None
        title = self._text(found, "title", (), _("a practice needs a title: add 'tiêu đề: …'"))
        kind_text = self._text(found, "kind", (), _("a practice needs a kind: add 'loại: thủ tục', 'loại: ký số' "
                                                    "or 'loại: tin nhắn'"))
        kind = KINDS.get(fold(kind_text))
        if kind_text and kind is None:
            self.error(self.doc.line(found["kind"][0]),
                       _("unknown practice kind '%(kind)s': write 'thủ tục', 'ký số' or 'tin nhắn'")
                       % {"kind": kind_text})
        practice_id = self._id(found, (), title, N_("practice"))
        steps = self._steps(found, kind)
        if kind is None or not steps:
            return None
        return Practice(practice_id, kind, title, self._text(found, "scenario", ()), tuple(steps))

    def _id(self, found: dict, path: tuple, basis: str, what: str) -> str:
        """The given id (checked), else one derived from `basis`; `what` names the thing, a msgid."""
        given = self._text(found, "id", path)
        if given:
            if not is_valid_id(given):
                self.error(self.doc.line(*path, found["id"][0]),
                           _("%(what)s id '%(id)s' must be lowercase letters (a-z), digits and hyphens")
                           % {"what": _(what), "id": given})
            return given
        return derive_question_id(basis) or "x"

    def _steps(self, found: dict, kind: str | None) -> list[PracticeStep]:
        if "steps" not in found:
            self.error(self.doc.line(), _("a practice needs steps: add 'bước:' and under it one '- màn hình: …' "
                                          "per screen"))
            return []
        key, items = found["steps"]
        if not isinstance(items, list) or not items:
            self.error(self.doc.line(key), _("'bước' must be a list of steps, each starting with '- '"))
            return []
        steps, lines = [], {}
        for index, item in enumerate(items):
            step = self._step(item, (key, index), kind)
            if step is None:
                continue
            if step.id in lines:
                self.error(self.doc.line(key, index), _("two steps have the id '%(id)s' (also line %(line)s): give "
                                                        "one of them another 'id:'")
                           % {"id": step.id, "line": lines[step.id]})
                continue
            lines[step.id] = self.doc.line(key, index)
            steps.append(step)
        if len(steps) == len(items):
            self._check_flow(steps, key, lines)
        return steps

    def _step(self, item, path: tuple, kind: str | None) -> PracticeStep | None:
        found = self._fields_of(item, STEP_KEYS, path, A_STEP)
        if found is None:
            return None
        screen = self._text(found, "screen", path, _("this step has no screen title: add 'màn hình: …'"))
        type_text = self._text(found, "type", path, _("this step has no type: add 'loại: …'"))
        step_type = next((name for name, spelling in STEP_TYPE_NAMES.items()
                          if fold(type_text) in (fold(spelling), name)), None)
        allowed = STEP_TYPES.get(kind, ())
        if type_text and kind and step_type not in allowed:
            self.error(self.doc.line(*path, found["type"][0]),
                       _("unknown step '%(step)s' in a '%(kind)s' practice (known: %(known)s)")
                       % {"step": type_text, "kind": KIND_NAMES[kind], "known": _names(STEP_TYPE_NAMES, allowed)})
        fields = self._field_list(found, path)
        next_step = self._text(found, "next", path) or None
        step = PracticeStep(self._id(found, path, screen, N_("step")), step_type or "", screen,
                            caption=self._text(found, "caption", path), text=self._text(found, "text", path),
                            sender=self._text(found, "sender", path), phone=self._text(found, "phone", path),
                            fields=tuple(fields or ()), explanation=self._text(found, "explanation", path),
                            next=next_step)
        return step if screen and step_type in allowed and fields is not None else None

    def _field_list(self, found: dict, path: tuple) -> list[PracticeField] | None:
        if "fields" not in found:
            return []
        key, items = found["fields"]
        if not isinstance(items, list):
            self.error(self.doc.line(*path, key), _("'trường' must be a list of fields, each starting with '- '"))
            return None
        fields, ids, ok = [], set(), True
        for index, item in enumerate(items):
            field = self._field(item, (*path, key, index))
            if field is None:
                ok = False
            elif field.id in ids:
                self.error(self.doc.line(*path, key, index), _("two fields of this step have the id '%(id)s': give "
                                                               "one of them another 'id:'") % {"id": field.id})
                ok = False
            else:
                ids.add(field.id)
                fields.append(field)
        return fields if ok else None

    def _field(self, item, path: tuple) -> PracticeField | None:
        found = self._fields_of(item, FIELD_KEYS, path, A_FIELD)
        if found is None:
            return None
        before = len(self.problems)
        label = self._text(found, "label", path, _("this field has no label: add 'nhãn: …' (the words the learner "
                                                   "sees beside the box)"))
        choices = self._choices(found, path)
        type_text = self._text(found, "type", path)
        field_type = next((name for name, spelling in FIELD_TYPE_NAMES.items()
                           if fold(type_text) in (fold(spelling), name)), None) if type_text else \
            ("choice" if choices else "text")
        if field_type is None:
            self.error(self.doc.line(*path, found["type"][0]), _("unknown field type '%(type)s' (known: %(known)s)")
                       % {"type": type_text, "known": _names(FIELD_TYPE_NAMES, FIELD_TYPE_NAMES)})
        expected = self._text(found, "expected", path, _("this field has no expected value: add 'đúng: …' (what "
                                                         "the scenario asks the learner to enter)"))
        expected_line = self.doc.line(*path, found["expected"][0]) if "expected" in found else self.doc.line(*path)
        if field_type in CHOOSING:
            if not choices:
                self.error(self.doc.line(*path), _("a choice field needs 'lựa chọn:' with the choices, one '- ' each"))
            elif expected and expected not in choices:
                self.error(expected_line, _("no choice can give the expected value '%(value)s': it must be written "
                                            "exactly as one of the choices (%(choices)s)")
                           % {"value": expected, "choices": ", ".join(choices)})
        elif choices and field_type:
            self.error(self.doc.line(*path, found["choices"][0]),
                       _("a '%(type)s' field has no choices: remove 'lựa chọn' or write 'kiểu: chọn'")
                       % {"type": FIELD_TYPE_NAMES[field_type]})
        if field_type == "date" and expected:
            expected = parse_date(expected) or ""
            if not expected:
                self.error(expected_line, _("the expected date must be a real date written dd/mm/yyyy, e.g. "
                                            "05/09/2025"))
        if len(self.problems) > before:
            return None
        return PracticeField(self._id(found, path, label, N_("field")), label, field_type, expected, choices,
                             hint=self._text(found, "hint", path), more_hint=self._text(found, "more_hint", path),
                             caption=self._text(found, "caption", path))

    def _choices(self, found: dict, path: tuple) -> tuple[str, ...]:
        if "choices" not in found:
            return ()
        key, items = found["choices"]
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            self.error(self.doc.line(*path, key), _("'lựa chọn' must be a list of texts, each starting with '- '"))
            return ()
        choices = tuple(str(item).strip() for item in items)
        if len(set(choices)) != len(choices) or not all(choices):
            self.error(self.doc.line(*path, key), _("every choice must be written once, and not be empty"))
        return choices

    def _check_flow(self, steps: list[PracticeStep], key: str, lines: dict[str, int]) -> None:
        """Every 'tiếp theo' names a later step, and every step can be reached from the first."""
        ids = [step.id for step in steps]
        for index, step in enumerate(steps):
            if step.next is None:
                continue
            line = self.doc.line(key, index, _key_of(self.doc, (key, index), "next"))
            if step.next not in ids:
                self.error(line, _("unknown step '%(step)s' after 'tiếp theo' (steps: %(steps)s)")
                           % {"step": step.next, "steps": ", ".join(ids)})
            elif ids.index(step.next) <= index:
                self.error(line, _("'tiếp theo: %(step)s' goes back to an earlier step: a practice goes forward "
                                   "(the learner can still go back on their own)") % {"step": step.next})
        if self.problems:
            return
        reachable = Practice("x", "procedure", "", "", tuple(steps)).path()
        for step in steps:
            if step not in reachable:
                self.error(lines[step.id], _("step '%(step)s' can never be reached: a 'tiếp theo' before it jumps "
                                             "over it; remove that jump or this step") % {"step": step.id})


def _key_of(doc: Located, path: tuple, name: str):
    """The key as written for the model name `name` in the mapping at path."""
    node = doc.data
    for step in path:
        node = node[step]
    return next((key for key in node if STEP_KEYS.get(fold(str(key))) == name), name)

