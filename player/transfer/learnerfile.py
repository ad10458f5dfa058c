"""The learners file: chosen learners of one player, to move to another, checked like a results file.

    line 1        header   {"format": "tramhoc-learners", "format_version": 1, "centre": …, "device_id": …,
                            "exported_at": …, "generator": …}
    lines 2…n+1   one learner per line {"profile": {…}, "drafts": […], "statements": […]}
    last line     trailer  {"end": "tramhoc-learners", "learners": n, "sha256": <hex of every byte before it>}

The file holds secret hashes (salted scrypt, never the secrets): it is written and read whole, atomically,
and a file cut short or changed is refused before anything is imported.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from player.results.resultsfile import encode, json_value, open_regular
from player.store.atomic import write_atomic
from player.web.errors import Problem, ProblemError
from player.web.i18n import N_

FORMAT = "tramhoc-learners"
FORMAT_VERSION = 1
SUFFIX = ".tramhoc-learners"
HEADER_FIELDS = ("centre", "device_id", "exported_at", "generator")
MAX_FILE_BYTES = 256 * 1024 * 1024


class LearnerFileError(ProblemError):
    """A file that is not a complete, unchanged learners file; its Problem says how."""

    def __init__(self, message: str, **params):
        super().__init__(Problem(message, params))


@dataclass(frozen=True)
class LearnerFile:
    """What a learners file holds: its header fields and one record per learner."""

    centre: str
    device_id: str
    exported_at: str
    generator: str
    learners: list[dict]


def write(path: Path, header: dict, learners: list[dict]) -> None:
    """Write a learners file atomically (temporary file, fsync, rename); private to this user."""
    lines = [encode({"format": FORMAT, "format_version": FORMAT_VERSION, **header})]
    lines += [encode(learner) for learner in learners]
    body = b"".join(lines)
    trailer = encode({"end": FORMAT, "learners": len(learners), "sha256": hashlib.sha256(body).hexdigest()})
    write_atomic(Path(path), body + trailer, mode=0o600)


def read(path: Path) -> LearnerFile:
    """Read and check a whole learners file; raise LearnerFileError (or OSError) and import nothing."""
    with open_regular(path) as data:
        raw = data.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise LearnerFileError(N_("the file is larger than %(limit)d MB"), limit=MAX_FILE_BYTES // 2**20)
    if not raw:
        raise LearnerFileError(N_("the file is empty"))
    lines = raw.splitlines(keepends=True)
    header = json_value(lines[0])
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise LearnerFileError(N_("this is not a Trạm Học learners file"))
    if header.get("format_version") != FORMAT_VERSION:
        raise LearnerFileError(N_("learners format version %(found)s is not supported (this player reads "
                                  "version %(supported)s)"), found=header.get("format_version"),
                               supported=FORMAT_VERSION)
    trailer = json_value(lines[-1]) if len(lines) > 1 and lines[-1].endswith(b"\n") else None
    if not isinstance(trailer, dict) or trailer.get("end") != FORMAT:
        raise LearnerFileError(N_("the file ends too early (was the USB stick removed while it was written?)"))
    if trailer.get("sha256") != hashlib.sha256(b"".join(lines[:-1])).hexdigest():
        raise LearnerFileError(N_("the checksum does not match: the file was changed or damaged"))
    learners = [json_value(line) for line in lines[1:-1]]
    if trailer.get("learners") != len(learners) or not all(_is_learner(item) for item in learners):
        raise LearnerFileError(N_("the file's learners are not complete"))
    missing = [name for name in HEADER_FIELDS if not isinstance(header.get(name), str)]
    if missing:
        raise LearnerFileError(N_("the header lacks %(fields)s"), fields=", ".join(missing))
    return LearnerFile(**{name: header[name] for name in HEADER_FIELDS}, learners=learners)


def _is_learner(item) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("profile"), dict)
            and isinstance(item.get("statements"), list) and isinstance(item.get("drafts"), list)
            and all(isinstance(s, dict) and isinstance(s.get("id"), str) for s in item["statements"])
            and all(isinstance(d, dict) and isinstance(d.get("key"), str) for d in item["drafts"]))

