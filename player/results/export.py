"""Export: every statement of this PC into one new results file in a folder (e.g. a USB stick).

Exporting only reads the store. Each export is a new file named after centre, device and time, so
several exports sit side by side; overlapping exports merge cleanly because statement ids are stable.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from player import __version__
from player.results import resultsfile
from player.results.source import StatementSource
from player.xapi import vocabulary as xapi

SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Exported:
    path: Path
    statements: int


def export_results(source: StatementSource, folder: Path, now: datetime | None = None) -> Exported:
    """Write a results file of everything `source` holds into `folder`; returns its path and size."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    header = {"centre": source.centre_name, "device_id": source.device_id,
              "exported_at": xapi.timestamp(now), "generator": f"tramhoc-player {__version__}",
              "xapi_version": xapi.XAPI_VERSION, "classes": [record.as_json() for record in source.classes()]}
    path = _free_name(folder, file_stem(source.centre_name, source.device_id, now))
    count = resultsfile.write(path, header, source.statements())
    return Exported(path, count)


def file_stem(centre: str, device_id: str, when: datetime) -> str:
    """`tramhoc-results_xa-tan-lap_1f0c9a2e_20251001T073000Z`: readable on any file system."""
    return f"tramhoc-results_{slug(centre) or 'centre'}_{slug(device_id)[:8]}_{when:%Y%m%dT%H%M%SZ}"


def slug(text: str) -> str:
    """ASCII letters, digits and hyphens: Vietnamese diacritics dropped, đ → d."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:40]


def _free_name(folder: Path, stem: str) -> Path:
    path, number = folder / f"{stem}{SUFFIX}", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{SUFFIX}"
    return path
