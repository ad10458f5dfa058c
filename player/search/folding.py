"""Vietnamese words as search terms. Every written word has a *folded* form (lower case, no tone, no
diacritics, `đ` as `d`: `Đường` → `duong`) and a *key* that keeps every mark but not where the tone was
written (`hoà` and `hòa` are one key): the word in canonical Telex with the tone letter last (`đường` →
`dduwowngf`, `công` → `coong`, `cổng` → `coongr`).

What a learner types is read as written with its marks, as Telex (`dduwowngf`, `duowngf`) or as VNI
(`cong6`), and also as it stands, so `wifi` still finds "wifi": each typed word gives one or two terms.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"\w+")
TONE_MARKS = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}  # sắc huyền hỏi ngã nặng
QUALITY_MARKS = {("a", "\u0302"): "aa", ("a", "\u0306"): "aw", ("e", "\u0302"): "ee", ("o", "\u0302"): "oo",
                 ("o", "\u031b"): "ow", ("u", "\u031b"): "uw"}
PLAIN = {"aa": "a", "aw": "a", "ee": "e", "oo": "o", "ow": "o", "uw": "u", "dd": "d"}
MARKED = re.compile(r"aa|aw|ee|oo|ow|uw|dd")
VOWELS = frozenset("aeiouy")
TELEX_TONES = {"s": "s", "f": "f", "r": "r", "x": "x", "j": "j", "z": ""}  # z: no tone
VNI_TONES = {"1": "s", "2": "f", "3": "r", "4": "x", "5": "j", "0": ""}
VNI_MARKS = {"6": {"a": "aa", "e": "ee", "o": "oo"}, "7": {"o": "ow", "u": "uw"}, "8": {"a": "aw"}}
MAX_TYPED = 24  # longer typed words are not read as Telex or VNI


@dataclass(frozen=True)
class Term:
    """One word to look for: its key (every mark) and its folded form."""

    key: str
    folded: str


def words(text: str) -> list[str]:
    """The words of a text, in order, as they are written (NFC)."""
    return WORD.findall(unicodedata.normalize("NFC", text))


def fold(word: str) -> str:
    """`Đường` → `duong`."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


LETTER_RANKS = {"\u0306": "1", "\u0302": "2", "\u031b": "3"}  # breve, circumflex, horn: a ă â, e ê, o ô ơ, u ư
TONE_RANKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng


@lru_cache(maxsize=8192)  # sorts of the same names and titles on every page: worked out once
def alphabetical(text: str) -> tuple:
    """A sort key in Vietnamese dictionary order: letters first (a ă â b c d đ e ê … o ô ơ … u ư v x y, so
    `Dương` < `Đặng` < `Vũ`), then tones (ngang, huyền, hỏi, ngã, sắc, nặng), then the text as written."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", text.lower().replace("đ", "d\u0335")):
        if char in TONE_RANKS:
            tones[-1:] = [TONE_RANKS[char]]
        elif char == "\u0335" or char in LETTER_RANKS:  # đ's stroke ranks like a breve: right after d
            letters[-1] = letters[-1][0] + LETTER_RANKS.get(char, "1")
        elif not unicodedata.combining(char):
            letters.append(char + "0")
            tones.append(0)
    return "".join(letters), tuple(tones), unicodedata.normalize("NFC", text)


def key(word: str) -> str:
    """A written word's key: canonical Telex, the tone letter last (`Đường` → `dduwowngf`)."""
    letters, tone = [], ""
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in TONE_MARKS:
            tone = TONE_MARKS[char]
        elif unicodedata.combining(char) and letters:
            letters[-1] = QUALITY_MARKS.get((letters[-1], char), letters[-1])
        else:
            letters.append("dd" if char == "đ" else char)
    return "".join(letters) + tone


def term(word: str) -> Term:
    """A written word as it is indexed."""
    return Term(key(word), fold(word))


def typed_terms(word: str) -> set[Term]:
    """What a typed word may mean: as it stands, and as Telex or VNI when it reads as one."""
    word = unicodedata.normalize("NFC", word.lower())
    found = {term(word)}
    if word.isascii() and len(word) <= MAX_TYPED and not word.isdigit():
        decoded = _vni(word) if any(char.isdigit() for char in word) else _telex(word)
        if decoded is not None:
            found.add(decoded)
    return found


def _term(body: str, tone: str) -> Term:
    """A term from key letters (marks written as in canonical Telex) and a tone letter."""
    return Term(body + tone, MARKED.sub(lambda match: PLAIN[match.group(0)], body))


def _telex(word: str) -> Term | None:
    """Telex input: tone letters anywhere after the first vowel (s f r x j, z for none) go last; `uow`
    is `ươ`; a `w` on its own is `ư`. None for a word with no vowel."""
    first_vowel = next((index for index, char in enumerate(word) if char in VOWELS or char == "w"), None)
    if first_vowel is None:
        return None
    body, tone = word[:first_vowel], ""
    for char in word[first_vowel:]:
        if char in TELEX_TONES:
            tone = TELEX_TONES[char]
        else:
            body += char
    body = re.sub(r"uow", "uwow", body)
    body = re.sub(r"(?<![aou])w", "uw", body)
    return _term(body, tone)


def _vni(word: str) -> Term | None:
    """VNI input: 1–5 tones (0 for none), 6 â ê ô, 7 ơ ư (`uo7` → ươ), 8 ă, 9 đ."""
    letters, tone = [char for char in word if not char.isdigit()], ""
    for digit in (char for char in word if char.isdigit()):
        if digit in VNI_TONES:
            tone = VNI_TONES[digit]
        elif digit == "9":
            if letters and letters[0] == "d":
                letters[0] = "dd"
        else:
            _mark_last(letters, VNI_MARKS.get(digit, {}))
    return _term("".join(letters), tone) if letters else None


def _mark_last(letters: list[str], marks: dict[str, str]) -> None:
    """Mark the last vowel that takes this mark; the horn marks both vowels of `uo`."""
    for index in range(len(letters) - 1, -1, -1):
        if letters[index] in marks:
            letters[index] = marks[letters[index]]
            if letters[index] == "ow" and index and letters[index - 1] == "u":
                letters[index - 1] = "uw"
            return
