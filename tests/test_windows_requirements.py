"""The Windows build's pinned wheels cover what the player needs at run time: every dependency in pyproject.toml
and everything those need on Windows is pinned with a hash in packaging/windows/. The Wine tests find a missing
one only after minutes (a ModuleNotFoundError inside the installed player); this finds it at once."""

import importlib.metadata
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PINS = [REPO / "packaging" / "windows" / name for name in ("requirements.txt", "build-from-source.txt")]
WINDOWS = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "python_version": "3.13",
           "python_full_version": "3.13.0", "platform_machine": "AMD64", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "extra": ""}


def pinned() -> dict[str, str]:
    """Each pinned name (canonical) with its line."""
    lines = (line for path in PINS for line in path.read_text(encoding="utf-8").splitlines())
    return {canonicalize_name(line.split("==")[0]): line for line in lines if line and not line.startswith("#")}


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def needed_on_windows() -> set[str]:
    """The runtime dependencies and, through the installed distributions' metadata, what they need on Windows."""
    needed, todo = set(), runtime_requirements()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in needed or (requirement.marker and not requirement.marker.evaluate(WINDOWS)):
            continue
        needed.add(name)
        try:
            todo.extend(Requirement(text) for text in importlib.metadata.requires(requirement.name) or ())
        except importlib.metadata.PackageNotFoundError:
            pass  # not installed here (a Windows-only dependency): its own pin is checked, its needs are not
    return needed


def test_every_runtime_dependency_is_pinned_for_windows():
    missing = sorted(needed_on_windows() - set(pinned()))
    assert not missing, f"not in packaging/windows/requirements.txt (nor build-from-source.txt): {missing}"


def test_every_pin_is_one_version_with_its_hash():
    for line in pinned().values():
        assert "==" in line and "--hash=sha256:" in line, line
