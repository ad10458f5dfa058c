"""Problems found in course sources, reported as `path:line: message`."""

import difflib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from builder.i18n import _
MAX_MESSAGE_CHARS = 500


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a source file, at a line (1-based) when one is known."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class Problems:
    """Collects every problem of a run, so all are reported at once."""

    root: Path
    items: list[Problem] = field(default_factory=list)

    def add(self, path: Path | str, line: int, message: str) -> None:
        """Record a problem; paths are shown relative to the working directory when possible, and a message
        (which may quote a value from the sources) is cut at MAX_MESSAGE_CHARS."""
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[:MAX_MESSAGE_CHARS - 1] + "…"
        self.items.append(Problem(_display(Path(path)), line, message))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))


class BuildFailed(Exception):
    """The sources have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def did_you_mean(path: str, paths) -> str:
    """' (did you mean X?)' naming the file of the same folder whose name is closest to a misspelled one, or
    nothing; paths are POSIX, relative to the course folder."""
    folder, name = posixpath.split(path)
    names = [posixpath.basename(other) for other in paths if posixpath.dirname(other) == folder]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    return _(" (did you mean %(path)s?)") % {"path": posixpath.join(folder, close[0])} if close else ""


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
