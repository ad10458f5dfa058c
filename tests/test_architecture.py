"""The shape of the code, enforced: import directions between courses, builder, player and authoring (the
trainers' tools that need both: the preview and the SCORM export); courses keeps the format and grades nothing; the player is organised by feature (features share web/, store/, xapi/,
paths and each other's public functions, never each other's views); paths.py alone knows the data
folder's layout; only the desktop shell imports pywebview and Qt; starting the player imports no PDF library."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from player.paths import DataPaths

ROOT = Path(__file__).resolve().parent.parent
PLAYER = ROOT / "player"
PROJECT_PACKAGES = {"courses", "builder", "player", "authoring"}
COURSES_THIRD_PARTY = {"cryptography"}  # Ed25519 signatures; nothing else outside the standard library
# authoring depends on builder, player and courses; nothing depends on it, but for one bridge below.
FORBIDDEN = {"courses": {"builder", "player", "authoring"}, "builder": {"player", "authoring"},
             "player": {"builder", "authoring"}}
# The builder's command line hands `preview` and `export-scorm` to authoring, from inside the functions that
# run them: `check`, `build` and `watch` never load the player.
BRIDGES = {("builder", "trainer_cli.py"): "authoring"}
PLAYER_TOP_LEVEL = {"__init__.py", "__main__.py", "app.py", "cli.py", "paths.py", "clock.py"}
SHARED = {"web", "store", "xapi"}  # plumbing every feature may use; it uses no feature
SHELL = {"desktop"}  # the pywebview window around the app (placement, Qt specifics): not a feature
FEATURES = {"library", "lessons", "learners", "progress", "certificates", "quizzes", "practice", "search", "results",
            "admin", "lan", "transfer", "classes"}


def modules(package: Path) -> list[Path]:
    return sorted(path for path in package.rglob("*.py") if "__pycache__" not in path.parts)


def imports_of(path: Path, runtime_only: bool = False) -> set[str]:
    """Every module a file imports (absolute, dotted), including imports inside functions; `runtime_only`
    leaves out those under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                skipped |= {id(child) for child in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def top_level(package: str) -> set[tuple[str, str]]:
    return {(path.name, name.split(".")[0]) for path in modules(ROOT / package) for name in imports_of(path)}


def feature_of(path: Path) -> str | None:
    relative = path.relative_to(PLAYER).parts
    return relative[0] if len(relative) > 1 else None


def defines_blueprint(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.Call) and ast.unparse(node.func) == "Blueprint" for node in ast.walk(tree))


VIEW_MODULES = {".".join(path.relative_to(ROOT).with_suffix("").parts) for path in modules(PLAYER)
                if defines_blueprint(path) and feature_of(path) in FEATURES}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_directions(package):
    wrong = {(file, module) for file, module in top_level(package) if module in FORBIDDEN[package]
             and BRIDGES.get((package, file)) != module}
    assert not wrong, f"{package} must not import {sorted(FORBIDDEN[package])}: {sorted(wrong)}"


def module_level_imports(path: Path) -> set[str]:
    """The modules a file imports outside any function (what importing it loads)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = {id(child) for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
              for child in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) not in inside and isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif id(node) not in inside and isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_the_bridges_import_authoring_only_when_a_trainers_command_runs():
    for (package, file), module in BRIDGES.items():
        loaded = {name.split(".")[0] for name in module_level_imports(ROOT / package / file)}
        assert module not in loaded, f"{package}/{file} imports {module} at module level"
    code = "import sys, builder.cli; print(sorted(m for m in ('authoring', 'player', 'flask') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_authoring_uses_the_players_public_functions_only():
    """Like a feature, the trainers' tools never use the player's views (but the app factory) or private names."""
    wrong = []
    for path in modules(ROOT / "authoring"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("player"):
                wrong += [f"{path.relative_to(ROOT)}: {node.module}.{alias.name}" for alias in node.names
                          if alias.name.startswith("_") or node.module in VIEW_MODULES
                          or f"{node.module}.{alias.name}" in VIEW_MODULES]
    assert wrong == []


def test_courses_uses_the_standard_library_and_cryptography_only():
    outside = {(file, module) for file, module in top_level("courses")
               if module not in sys.stdlib_module_names | PROJECT_PACKAGES | COURSES_THIRD_PARTY}
    assert not outside, f"courses may depend on the standard library and cryptography only: {sorted(outside)}"


def test_courses_keeps_the_format_and_grades_nothing():
    """Grading and the key-free public view are the player's: the builder never grades."""
    graders = [f"{path.name}:{node.name}" for path in modules(ROOT / "courses")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.FunctionDef) and node.name.startswith(("grade", "public_question"))]
    assert graders == []


def test_the_player_is_organised_by_feature():
    outside = {path.name for path in PLAYER.glob("*.py")} - PLAYER_TOP_LEVEL
    assert outside == set(), f"player/ modules outside a feature folder: {sorted(outside)}"
    folders = {path.name for path in PLAYER.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert folders == SHARED | FEATURES | SHELL


def test_templates_live_in_their_features_folder():
    templates = PLAYER / "templates"
    loose = sorted(path.name for path in templates.glob("*.html"))
    assert loose == ["base.html", "error.html"]  # shared by every feature
    assert {path.name for path in templates.iterdir() if path.is_dir()} <= FEATURES


def test_features_never_import_each_others_views():
    """Only the app wires blueprints together; a feature reaches another through its public functions."""
    wrong = []
    for path in modules(PLAYER):
        feature = feature_of(path)
        for name in imports_of(path):
            for view in VIEW_MODULES:
                if (name == view or name.startswith(view + ".")) and path.name != "app.py" and \
                        view.split(".")[1] != feature:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_features_use_no_private_name_of_another_feature():
    wrong = []
    for path in modules(PLAYER):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("player."):
                other = node.module.split(".")[1]
                wrong += [f"{path.relative_to(ROOT)}: {node.module}.{alias.name}" for alias in node.names
                          if alias.name.startswith("_") and other != feature_of(path)]
    assert wrong == []


def test_shared_plumbing_uses_no_feature():
    wrong = []
    for shared in SHARED:
        for path in modules(PLAYER / shared):
            wrong += [f"{path.relative_to(ROOT)} imports {name}" for name in imports_of(path, runtime_only=True)
                      if name.startswith("player.") and name.split(".")[1] in FEATURES]
    assert wrong == []


def data_folder_names() -> set[str]:
    """The names paths.py gives files and folders in a data folder (those that could not be anything else)."""
    layout = DataPaths(Path("/DATA"))
    found = {getattr(layout, name).name for name, value in vars(DataPaths).items() if isinstance(value, property)}
    found |= {layout.learner_profile("0" * 32).name, layout.sync_ledger("x").name.split("-")[0] + "-",
              layout.waiting_folder("0" * 32).name[:-32], layout.deleted_learner("0" * 32).name[:-32],
              DataPaths.waiting_bundle(Path("/x")).name, DataPaths.waiting_check(Path("/x")).name}
    return {name for name in found if not name.isalpha()}  # "library", "learners", "sync": ordinary words too


def test_only_paths_py_knows_the_data_folders_layout():
    names = data_folder_names()
    assert {"settings.json", "secret_key", "trusted-publishers.json", "profile.json", "last-run.json"} <= names
    wrong = []
    for path in modules(PLAYER):
        if path.name == "paths.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings and any(
                    part == name or (name[-1] in ".-" and part.startswith(name))
                    for part in re.split(r"[\s/\\]+", node.value) for name in names):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert wrong == []


def test_only_the_desktop_shell_imports_webview_and_qt():
    users = {(path.relative_to(PLAYER).as_posix(), name.split(".")[0]) for path in modules(PLAYER)
             for name in imports_of(path) if name.split(".")[0] in ("webview", "qtpy")}
    assert users == {("desktop/__init__.py", "webview"), ("desktop/qt.py", "qtpy")}


def test_starting_the_player_does_not_import_what_only_one_page_needs():
    """fpdf2 (with Pillow and fontTools) takes a quarter of a second to import: only a certificate PDF needs it,
    and the player's launch target (≤ 0.5 s to the first page) has no room for it; segno (1.2 MB) only draws the
    LAN page's QR code, openpyxl only reads a class list, and the idle player's memory target (≤ 60 MB) has no
    room for them."""
    heavy = ('fpdf', 'PIL', 'fontTools', 'segno', 'openpyxl')
    code = f"import sys, player.cli, player.app; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
