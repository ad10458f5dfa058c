"""What text from a course or a key may contain before it is shown to people: valid Unicode only, and no
character that hides or reorders what is written (controls, bidirectional overrides, zero-width and other
invisible formatting characters), so "tỉnh X" cannot be spoofed by a name that only looks like it."""

import json
import unicodedata

from courses.messages import N_, Message

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problem(text: str, multiline: bool = False) -> Message | None:
    """Why `text` cannot be shown as it is ("contains …"), or None; `multiline` allows line breaks and tabs."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            return Message(N_("contains %(code)s, which is not a Unicode character (a lone surrogate)"),
                           code=_code(char))
        if multiline and char in "\n\t":
            continue
        if category in ("Cc", "Zl", "Zp"):
            return Message(N_("contains a control character or a line break"))
        if char in _BIDI_CONTROLS:
            return Message(N_("contains a bidirectional control character (%(code)s), which makes text read "
                              "differently from how it is stored"), code=_code(char))
        if category == "Cf":
            return Message(N_("contains an invisible formatting character (%(code)s, such as a zero-width space)"),
                           code=_code(char))
    return None


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def lone_surrogate_at(data, where: str) -> str | None:
    """Where in parsed JSON a string (or key) is not valid Unicode (JSON may write `\\ud800` alone), or None."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # fast: C code does the looking
        return None
    except UnicodeEncodeError:
        pass
    pending = [(data, where)]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str) and _has_surrogate(value):
            return path
        if isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    return f"{path} (a key)"
                pending.append((item, f"{path}.{key}"))
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
    return where


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
