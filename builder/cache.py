"""A render cache so a rebuild re-renders only the lessons whose source changed."""

import hashlib
import json
import os
import tempfile
from pathlib import Path

import markdown

from builder.lesson_source import LessonSource
from builder.render import RenderedLesson

_RENDER_CODE = ("render.py", "links.py")


def renderer_fingerprint() -> str:
    """Changes whenever the rendering code or Python-Markdown changes."""
    digest = hashlib.sha256(markdown.__version__.encode())
    for name in _RENDER_CODE:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


class RenderCache:
    """Rendered lessons keyed by their source, the renderer and the course's lesson map."""

    def __init__(self, path: Path | None, lesson_ids: dict[str, str]):
        self.path = path
        self._context = renderer_fingerprint() + json.dumps(sorted(lesson_ids.items()))
        self._entries = self._load()
        self._used: dict[str, dict] = {}

    def key(self, lesson: LessonSource) -> str:
        return hashlib.sha256(f"{self._context}\0{lesson.path}\0{lesson.text}".encode()).hexdigest()

    def get(self, lesson: LessonSource, files: frozenset[str]) -> RenderedLesson | None:
        """The cached rendering, if its source is unchanged and every asset it used still exists."""
        key = self.key(lesson)
        entry = self._entries.get(key)
        if entry is None or not all(asset in files for asset in entry["assets"]):
            return None
        self._used[key] = entry
        return RenderedLesson(html=entry["html"], assets=tuple(entry["assets"]),
                              lesson_links=tuple(tuple(link) for link in entry["lesson_links"]),
                              anchors=tuple(entry["anchors"]), problems=tuple(tuple(p) for p in entry["problems"]))

    def put(self, lesson: LessonSource, rendered: RenderedLesson) -> None:
        self._used[self.key(lesson)] = {
            "html": rendered.html, "assets": rendered.assets, "lesson_links": rendered.lesson_links,
            "anchors": rendered.anchors, "problems": rendered.problems}

    def save(self) -> None:
        """Write the entries used by this build (atomically); a cache is never required."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".cache.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self._used, out, ensure_ascii=False)
            os.replace(temp, self.path)
        except OSError:
            Path(temp).unlink(missing_ok=True)

    def _load(self) -> dict:
        if self.path is None:
            return {}
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}
