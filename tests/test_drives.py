"""Finding USB sticks: removable drive letters on Windows (a fake kernel32), mount points under /media
and /run/media elsewhere (fake roots); drives without a disk, fixed disks and unmounted folders are left out."""

from pathlib import Path

from player.results import drives
from player.results.drives import DRIVE_REMOVABLE, removable_drives

DRIVE_FIXED, DRIVE_CDROM = 3, 5


class FakeKernel32:
    """The four kernel32 functions drives.py calls, over a table of drive letter -> (type, label or None)."""

    def __init__(self, table: dict[str, tuple[int, str | None]]):
        self.table = table
        self.error_modes = []

    def GetLogicalDrives(self) -> int:
        return sum(1 << (ord(letter) - ord("A")) for letter in self.table)

    def GetDriveTypeW(self, root: str) -> int:
        assert root.endswith(":\\")
        return self.table[root[0]][0]

    def GetVolumeInformationW(self, root, label_buffer, size, serial, length, flags, fs_buffer, fs_size) -> int:
        label = self.table[root[0]][1]
        if label is None:
            return 0  # no disk in the drive
        label_buffer.value = label
        return 1

    def SetErrorMode(self, mode: int) -> int:
        self.error_modes.append(mode)
        return 0 if len(self.error_modes) == 1 else self.error_modes[-2]


def test_windows_lists_removable_drive_letters_that_hold_a_disk(monkeypatch):
    monkeypatch.setattr(drives, "_free_space", lambda path: 1234)
    kernel32 = FakeKernel32({"A": (DRIVE_REMOVABLE, None), "C": (DRIVE_FIXED, "Windows"),
                             "D": (DRIVE_CDROM, "DVD"), "E": (DRIVE_REMOVABLE, "KINGSTON"),
                             "F": (DRIVE_REMOVABLE, ""), "G": (DRIVE_REMOVABLE, None)})
    found = removable_drives("win32", kernel32)
    assert [(str(drive.path), drive.label, drive.free) for drive in found] == [
        (str(Path("E:\\")), "KINGSTON", 1234), (str(Path("F:\\")), "", 1234)]
    assert kernel32.error_modes == [0x8001, 0]  # no "insert a disk" box, and the old mode put back


def test_linux_lists_mounted_folders_under_media_and_run_media(tmp_path):
    media, run_media = tmp_path / "media", tmp_path / "run" / "media"
    for folder in ("usb0", "lan/USB DATA", "lan/old-stick", "cdrom"):
        (media / folder).mkdir(parents=True)
    (run_media / "minh" / "KINGSTON").mkdir(parents=True)
    (media / "lan" / "notes.txt").write_text("not a drive")
    mounted = {media / "usb0", media / "lan" / "USB DATA", run_media / "minh" / "KINGSTON"}
    found = removable_drives("linux", mount_roots=(media, run_media), is_mount=lambda path: path in mounted)
    assert [(drive.path, drive.label) for drive in found] == [
        (media / "usb0", "usb0"), (media / "lan" / "USB DATA", "USB DATA"),
        (run_media / "minh" / "KINGSTON", "KINGSTON")]
    assert all(drive.free and drive.free > 0 for drive in found)  # real folders: their file system's space


def test_no_mount_roots_no_drives(tmp_path):
    assert removable_drives("linux", mount_roots=(tmp_path / "missing",)) == []


def test_a_drive_is_named_as_file_explorer_names_it():
    assert drives.Drive(Path("E:\\"), "KINGSTON", None).name == "KINGSTON (E:)"
    assert drives.Drive(Path("F:\\"), "", None).name == "F:"
    assert drives.Drive(Path("/media/lan/KINGSTON"), "KINGSTON", None).name == "KINGSTON"
    assert drives.Drive(Path("/media/usb0"), "", None).name == "/media/usb0"
