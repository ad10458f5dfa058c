"""Build caches: rendered lessons and deflated members, by content hash (see builder.build.cache_dir).

A rebuild re-renders only the lessons whose source changed and re-compresses only the members that
changed. Each entry is one small file named by its key and guarded by a digest, so a damaged or
half-written entry is a cache miss, never a wrong bundle. New entries are written only once a build
succeeds (`commit`), and entries that build did not use are removed then.
"""

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator, MutableMapping
from pathlib import Path

import markdown

import courses.practice
import courses.quiz
from builder.lesson_source import LessonSource
from builder.render import RenderedLesson

_DIGEST = 32
_BUILDER_CODE = Path(__file__).parent


def renderer_fingerprint() -> str:
    """Changes whenever the builder's code, the quiz or practice model (cached questions and practices are
    their JSON) or Python-Markdown changes."""
    digest = hashlib.sha256(markdown.__version__.encode())
    for path in sorted(_BUILDER_CODE.rglob("*.py")):
        digest.update(path.relative_to(_BUILDER_CODE).as_posix().encode() + b"\0" + path.read_bytes())
    for module in (courses.quiz, courses.practice):
        digest.update(f"courses/{Path(module.__file__).name}\0".encode() + Path(module.__file__).read_bytes())
    return digest.hexdigest()


class EntryStore:
    """Files named by key in one folder (or nothing at all, when folder is None)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[str] = set()
        self._new: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None when absent or damaged."""
        if self.folder is None:
            return None
        try:
            raw = (self.folder / key).read_bytes()
        except OSError:
            return None
        data = raw[_DIGEST:]
        if hashlib.sha256(data).digest() != raw[:_DIGEST]:
            return None
        self.used.add(key)
        return data

    def put(self, key: str, data: bytes) -> None:
        """Keep a new entry, to be written by `commit`."""
        self.used.add(key)
        if self.folder is not None:
            self._new[key] = data

    def commit(self) -> None:
        """The build succeeded: write its new entries and remove those it did not use, then start counting
        afresh. A cache that cannot be written only makes the next build slower."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for key, data in self._new.items():
                if key in self.used:
                    (self.folder / key).write_bytes(hashlib.sha256(data).digest() + data)
            for entry in os.scandir(self.folder):
                if entry.name not in self.used:
                    Path(entry.path).unlink(missing_ok=True)
        except OSError:
            pass
        self._new, self.used = {}, set()


class RenderCache:
    """Rendered lessons keyed by their source, the builder's code and the course's lesson map."""

    def __init__(self, store: EntryStore):
        self.store = store
        self._fingerprint = renderer_fingerprint()
        self._memory: dict[str, RenderedLesson] = {}
        self._context = b""

    def start(self, lesson_ids: dict[str, str]) -> None:
        """Begin a build of a course with this map of lesson paths to ids."""
        self._context = hashlib.sha256((self._fingerprint + json.dumps(sorted(lesson_ids.items()))).encode()).digest()

    def key(self, lesson: LessonSource) -> str:
        return hashlib.sha256(self._context + f"{lesson.path}\0{lesson.text}".encode()).hexdigest()

    def get(self, lesson: LessonSource, files: frozenset[str]) -> RenderedLesson | None:
        """The cached rendering, if its source is unchanged, every asset it used still exists and it had no
        problems (a missing or refused file it named may have been fixed since)."""
        key = self.key(lesson)
        rendered = self._memory.get(key)
        if rendered is None:
            rendered = _decode(self.store.get(key))
            if rendered is None:
                return None
            self._memory[key] = rendered
        self.store.used.add(key)
        return rendered if not rendered.problems and all(asset in files for asset in rendered.assets) else None

    def put(self, lesson: LessonSource, rendered: RenderedLesson) -> None:
        key = self.key(lesson)
        self._memory[key] = rendered
        self.store.put(key, json.dumps(dataclasses.asdict(rendered), ensure_ascii=False).encode())

    def commit(self) -> None:
        self._memory = {key: value for key, value in self._memory.items() if key in self.store.used}
        self.store.commit()


class DeflatedMembers(MutableMapping):
    """Deflated member bytes by the member's sha256, for courses.write_bundle; memory first, then disk."""

    def __init__(self, store: EntryStore):
        self.store = store
        self._memory: dict[str, bytes] = {}

    def __getitem__(self, sha256: str) -> bytes:
        data = self._memory.get(sha256)
        if data is None:
            data = self.store.get(sha256)
            if data is None:
                raise KeyError(sha256)
            self._memory[sha256] = data
        self.store.used.add(sha256)
        return data

    def __setitem__(self, sha256: str, data: bytes) -> None:
        self._memory[sha256] = data
        self.store.put(sha256, data)

    def __delitem__(self, sha256: str) -> None:
        del self._memory[sha256]

    def __iter__(self) -> Iterator[str]:
        return iter(self._memory)

    def __len__(self) -> int:
        return len(self._memory)

    def commit(self) -> None:
        self._memory = {key: value for key, value in self._memory.items() if key in self.store.used}
        self.store.commit()


def _decode(raw: bytes | None) -> RenderedLesson | None:
    """A RenderedLesson from its JSON form (its fields are text, numbers and nested tuples)."""
    if raw is None:
        return None
    try:
        return RenderedLesson(**{name: _tuples(value) for name, value in json.loads(raw).items()})
    except (ValueError, TypeError):
        return None


def _tuples(value):
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value
