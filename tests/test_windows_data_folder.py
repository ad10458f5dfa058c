"""Where the player keeps its data on Windows, with the platform faked: one folder for the whole PC under
%ProgramData% (the installer lets every local account change it), or beside a portable build."""

from pathlib import Path, PureWindowsPath

import platformdirs

from player.paths import PORTABLE_MARKER, WINDOWS_FOLDER, default_data_dir, resolve_data_dir

PACKAGING = Path(__file__).resolve().parents[1] / "packaging" / "windows"
INSTALLED = r"C:\Program Files\TramHoc\python\pythonw.exe"
PORTABLE = r"E:\TramHoc-0.1.0\python\pythonw.exe"


def windows_default(executable: str, files: set[str] = frozenset(), environ=None) -> str:
    environ = {"ProgramData": r"C:\ProgramData"} if environ is None else environ
    return default_data_dir("win32", environ, executable, is_file=lambda path: path in files)


def test_an_installed_player_keeps_its_data_in_one_folder_for_the_whole_pc():
    assert windows_default(INSTALLED) == r"C:\ProgramData\TramHoc"
    assert windows_default(INSTALLED, environ={"ProgramData": r"D:\Data"}) == r"D:\Data\TramHoc"
    assert windows_default(INSTALLED, environ={}) == r"C:\ProgramData\TramHoc"


def test_a_portable_player_keeps_its_data_beside_itself():
    marker = str(PureWindowsPath(r"E:\TramHoc-0.1.0") / PORTABLE_MARKER)
    assert windows_default(PORTABLE, files={marker}) == r"E:\TramHoc-0.1.0\data"
    assert windows_default(INSTALLED, files={marker}) == r"C:\ProgramData\TramHoc"  # another folder's marker


def test_elsewhere_the_data_folder_is_the_users_own():
    assert default_data_dir("linux", {}, "/usr/bin/python3") == platformdirs.user_data_dir("tramhoc", appauthor=False)


def test_a_named_folder_still_wins(tmp_path, monkeypatch):
    monkeypatch.setattr("player.paths.default_data_dir", lambda: str(tmp_path / "default"))
    monkeypatch.delenv("TRAMHOC_HOME", raising=False)
    assert resolve_data_dir() == tmp_path / "default"
    assert resolve_data_dir(tmp_path / "named") == tmp_path / "named"


def test_the_package_agrees_with_the_player_on_both_folders():
    script = (PACKAGING / "tramhoc.nsi").read_text(encoding="utf-8")
    assert f'"$APPDATA\\{WINDOWS_FOLDER}"' in script  # %ProgramData%: the installer sets SetShellVarContext all
    assert "SetShellVarContext all" in script
    assert f'PORTABLE_MARKER = "{PORTABLE_MARKER}"' in (PACKAGING / "package.py").read_text(encoding="utf-8")
    assert (PACKAGING / PORTABLE_MARKER).is_file()
