"""docs/centre.md gives only steps the tests perform (issue 20 #6): each numbered step names a test beside it
(`<!-- test: tests/test_x.py::test_name -->`), each named test exists (collected from its file's syntax
tree, without importing it), and the English part names the same tests as the Vietnamese one before it."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "centre.md"
NAMED = re.compile(r"<!-- test: (tests/[\w/]+\.py)::(\w+) -->")
STEP = re.compile(r"^\d+\. ")


def parts() -> tuple[str, str]:
    """The Vietnamese part and the English part, in that order."""
    text = DOC.read_text(encoding="utf-8")
    vietnamese, english = text.index("# Trạm Học ở trung tâm"), text.index("# Trạm Học at a centre")
    assert vietnamese < english, "Vietnamese comes first"
    return text[vietnamese:english], text[english:]


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_step_names_the_test_that_performs_it():
    for part in parts():
        steps = [line for line in part.splitlines() if STEP.match(line)]
        assert len(steps) >= 15
        assert [step for step in steps if not NAMED.search(step)] == []


def test_every_named_test_exists():
    named = {match.groups() for part in parts() for match in NAMED.finditer(part)}
    missing = [f"{file}::{name}" for file, name in sorted(named)
               if not (ROOT / file).is_file() or name not in defined_tests(ROOT / file)]
    assert named and missing == []


def test_both_languages_give_the_same_steps():
    vietnamese, english = ([match.groups() for match in NAMED.finditer(part)] for part in parts())
    assert vietnamese == english
    assert len(re.findall(r"^## ", parts()[0], re.M)) == len(re.findall(r"^## ", parts()[1], re.M)) == 5
