"""USB sticks and other removable drives to save results on: on Windows the drive letters whose type is
removable (with a disk in them), elsewhere the mount points under /media and /run/media."""

import ctypes
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DRIVE_REMOVABLE = 2  # GetDriveTypeW
SEM_FAILCRITICALERRORS, SEM_NOOPENFILEERRORBOX = 0x0001, 0x8000  # no "insert a disk" dialog box
MOUNT_ROOTS = (Path("/media"), Path("/run/media"))
_LABEL_LENGTH = 261


@dataclass(frozen=True)
class Drive:
    """A removable drive: where to write, the name it was given, and its free space (None if unknown)."""

    path: Path
    label: str
    free: int | None

    @property
    def name(self) -> str:
        """The drive as File Explorer names it, `KINGSTON (E:)`; elsewhere its label or mount point."""
        letter = str(self.path).rstrip("\\/")
        if len(letter) == 2 and letter[1] == ":":
            return f"{self.label} ({letter})" if self.label else letter
        return self.label or str(self.path)


def removable_drives(platform: str = sys.platform, kernel32=None, mount_roots: tuple[Path, ...] = MOUNT_ROOTS,
                     is_mount: Callable[[Path], bool] = os.path.ismount) -> list[Drive]:
    """The removable drives that can be written to now, in order (E:, F: … or by mount point)."""
    if platform == "win32":
        found = _windows_drives(kernel32 or ctypes.windll.kernel32)
    else:
        found = [(path, path.name) for path in _mount_points(mount_roots, is_mount)]
    return [Drive(path, label, _free_space(path)) for path, label in found]


def _windows_drives(kernel32) -> list[tuple[Path, str]]:
    """Removable drive letters with a readable volume in them (a card reader without a card has none)."""
    found = []
    previous_mode = kernel32.SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX)
    try:
        letters = kernel32.GetLogicalDrives()
        for index in range(26):
            root = f"{chr(ord('A') + index)}:\\"
            if not letters & (1 << index) or kernel32.GetDriveTypeW(root) != DRIVE_REMOVABLE:
                continue
            label = ctypes.create_unicode_buffer(_LABEL_LENGTH)
            if kernel32.GetVolumeInformationW(root, label, _LABEL_LENGTH, None, None, None, None, 0):
                found.append((Path(root), label.value))
    finally:
        kernel32.SetErrorMode(previous_mode)
    return found


def _mount_points(roots: tuple[Path, ...], is_mount: Callable[[Path], bool]) -> list[Path]:
    """/media/usb0 (usbmount), /media/USER/LABEL and /run/media/USER/LABEL (udisks), when mounted."""
    found = []
    for root in roots:
        for pattern in ("*", "*/*"):
            found += [path for path in sorted(root.glob(pattern)) if path.is_dir() and is_mount(path)]
    return found


def _free_space(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None
