"""Every command of the builder is in the trainers' guide, in its Vietnamese and its English part (the
publisher's `keygen` is in README.md and docs/security.md), and the README lists the trainers' tools."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def builder_commands() -> list[str]:
    shown = subprocess.run([sys.executable, "-m", "builder", "--help"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout
    return re.search(r"\{([a-z,-]+)\}", shown).group(1).split(",")


def test_every_builder_command_is_in_both_parts_of_the_authoring_guide():
    commands = builder_commands()
    assert {"check", "build", "watch", "new", "preview", "export-scorm"} <= set(commands)
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    vietnamese, english = guide.split("\n## English\n", 1)
    for command in set(commands) - {"keygen"}:
        for part, text in (("Tiếng Việt", vietnamese), ("English", english)):
            assert f"python -m builder {command} " in text, f"{command} is missing from the {part} part"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"-m builder {command} " in readme for command in commands)
