"""Import directions: courses imports neither side and only the standard library (plus `cryptography` for
signatures); player never imports builder."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = {"courses", "builder", "player"}
COURSES_THIRD_PARTY = {"cryptography"}  # Ed25519 signatures; nothing else outside the standard library
FORBIDDEN = {"courses": {"builder", "player"}, "builder": {"player"}, "player": {"builder"}}


def imported_modules(package: str) -> set[tuple[str, str]]:
    """(file, top-level module) for every import in a package, including imports inside functions."""
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add((path.name, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_directions(package):
    wrong = {(file, module) for file, module in imported_modules(package) if module in FORBIDDEN[package]}
    assert not wrong, f"{package} must not import {sorted(FORBIDDEN[package])}: {sorted(wrong)}"


def test_courses_uses_the_standard_library_and_cryptography_only():
    outside = {(file, module) for file, module in imported_modules("courses")
               if module not in sys.stdlib_module_names | PROJECT_PACKAGES | COURSES_THIRD_PARTY}
    assert not outside, f"courses may depend on the standard library and cryptography only: {sorted(outside)}"


def test_only_the_desktop_shell_imports_webview():
    users = {file for file, module in imported_modules("player") if module == "webview"}
    assert users == {"desktop.py"}


def test_starting_the_player_does_not_import_the_pdf_library():
    """fpdf2 (with Pillow and fontTools) takes a quarter of a second to import: only a certificate PDF needs it,
    and the player's launch target (≤ 0.5 s to the first page) has no room for it."""
    code = "import sys, player.cli, player.app; print(sorted(m for m in ('fpdf', 'PIL', 'fontTools') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
