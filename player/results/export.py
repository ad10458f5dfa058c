"""Export: every statement of this PC into one new results file in a folder (e.g. a USB stick).

Exporting only reads the store. Each export is a new file named after centre, device and time, so
several exports sit side by side; overlapping exports merge cleanly because statement ids are stable.
"""

import platform
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from player import __version__
from player.results import resultsfile
from player.results.figures import actor_key
from player.results.source import StatementSource
from player.xapi import vocabulary as xapi

SUFFIX = ".jsonl"
USB_FOLDER = "TramHoc"  # the folder the admin area writes in on a USB stick


@dataclass(frozen=True)
class Exported:
    """A results file written: where, how many statements, and of how many learners."""

    path: Path
    statements: int
    learners: int


def export_results(source: StatementSource, folder: Path, now: datetime | None = None) -> Exported:
    """Write a results file of everything `source` holds into `folder`; returns its path and counts."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    header = {"centre": source.centre_name, "device_id": source.device_id,
              "exported_at": xapi.timestamp(now), "generator": f"tramhoc-player {__version__}",
              "xapi_version": xapi.XAPI_VERSION, "device_name": platform.node(),
              "classes": [record.as_json() for record in source.classes()]}
    path = free_name(folder, file_stem(source.centre_name, source.device_id, now))
    actors: set[str] = set()

    def counted():
        for statement in source.statements():
            actors.add(actor_key(statement.get("actor") or {}))
            yield statement

    count = resultsfile.write(path, header, counted())
    return Exported(path, count, len(actors))


def file_stem(centre: str, device_id: str, when: datetime) -> str:
    """`tramhoc-results_xa-tan-lap_1f0c9a2e_20251001T073000Z`: readable on any file system."""
    return f"tramhoc-results_{slug(centre) or 'centre'}_{slug(device_id)[:8]}_{when:%Y%m%dT%H%M%SZ}"


def slug(text: str) -> str:
    """ASCII letters, digits and hyphens: Vietnamese diacritics dropped, đ → d."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:40]


def free_name(folder: Path, stem: str, suffix: str = SUFFIX) -> Path:
    """`stem+suffix` in the folder, or `stem-2+suffix`, `stem-3+suffix`… if taken: never overwrite a file."""
    path, number = folder / f"{stem}{suffix}", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    return path
