"""The one place that knows member names inside a bundle, and which names are safe."""

import posixpath
import re
import unicodedata

MANIFEST = "manifest.json"
SIGNATURE = "signature.json"  # optional: the publisher's signature of the manifest (courses.signing)
LESSONS_DIR = "lessons/"
ASSETS_DIR = "assets/"
QUIZZES_DIR = "quizzes/"
PRACTICE_DIR = "practice/"
MAX_NAME_LENGTH = 400

_DRIVE = re.compile(r"^[A-Za-z]:")
_FORBIDDEN_CHARS = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|]')


def lesson_member(lesson_id: str) -> str:
    """Member name of a lesson's rendered HTML."""
    return f"{LESSONS_DIR}{lesson_id}.html"


def quiz_member(lesson_id: str) -> str:
    """Member name of a lesson's quiz (questions, answer key and settings), read only by the player's server."""
    return f"{QUIZZES_DIR}{lesson_id}.json"


def quiz_lesson_id(member: str) -> str | None:
    """The lesson id of a quiz member name, or None when the name is not one."""
    return _json_lesson_id(member, QUIZZES_DIR)


def practice_member(lesson_id: str) -> str:
    """Member name of a lesson's practice simulations (steps and expected values), read only by the player's
    server (since format version 2)."""
    return f"{PRACTICE_DIR}{lesson_id}.json"


def practice_lesson_id(member: str) -> str | None:
    """The lesson id of a practice member name, or None when the name is not one."""
    return _json_lesson_id(member, PRACTICE_DIR)


def _json_lesson_id(member: str, folder: str) -> str | None:
    if member.startswith(folder) and member.endswith(".json") and "/" not in member[len(folder):]:
        return member[len(folder):-len(".json")]
    return None


def asset_member(relative_path: str) -> str:
    """Member name of an asset, given its POSIX path relative to the course folder."""
    return ASSETS_DIR + unicodedata.normalize("NFC", relative_path)


def unsafe_reason(name: str) -> str | None:
    """Why a member name is unsafe to use, or None when it is a clean relative POSIX path."""
    if not name:
        return "empty name"
    if len(name) > MAX_NAME_LENGTH:
        return "name too long"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute path"
    if "\\" in name:
        return "backslash in name"
    if _FORBIDDEN_CHARS.search(name):
        return "control or reserved character in name"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "path traversal or empty path segment"
    if posixpath.normpath(name) != name:
        return "name is not normalised"
    if unicodedata.normalize("NFC", name) != name:
        return "name is not in Unicode NFC"
    return None


def is_content_member(name: str) -> bool:
    """True for a name the manifest may list: a lesson page, a lesson's quiz or practice, or an asset."""
    if name.startswith(QUIZZES_DIR):
        return quiz_lesson_id(name) is not None
    if name.startswith(PRACTICE_DIR):
        return practice_lesson_id(name) is not None
    if name.startswith(LESSONS_DIR):
        return name.endswith(".html") and "/" not in name[len(LESSONS_DIR):]
    return name.startswith(ASSETS_DIR) and len(name) > len(ASSETS_DIR)
