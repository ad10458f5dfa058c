"""Issue 14 #21: a large asset flows through the builder and the bundle writer in chunks, so the memory a
build needs does not grow with the size of a video."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from courses import Bundle
from courses.members import asset_member
from player.web.services import services

pytestmark = pytest.mark.skipif(not hasattr(os, "wait4"), reason="measures a child's peak memory with wait4")

VIDEO_MB = 300
MAX_EXTRA_MB = 150  # over a build of the same course without the video
PROJECT = Path(__file__).resolve().parents[1]
# Run by a small launcher: a child forked from this (big) test process would start with its peak memory.
PEAK_OF = ("import os, sys\n"
           "_, status, usage = os.wait4(os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ), 0)\n"
           "print(usage.ru_maxrss)\n"
           "sys.exit(os.waitstatus_to_exitcode(status))")


def build_peak_mb(course: Path, out: Path) -> int:
    """Peak resident memory (MB) of `python -m builder build` for this course, in a process of its own."""
    command = [sys.executable, "-m", "builder", "build", "--quiet", str(course), "--out", str(out)]
    launched = subprocess.run([sys.executable, "-c", PEAK_OF, *command], cwd=PROJECT, check=True,
                              env={**os.environ, "PYTHONPATH": str(PROJECT)}, capture_output=True, text=True)
    return int(launched.stdout) // 1024  # ru_maxrss is in KiB on Linux


def add_video(course: Path) -> Path:
    """A sparse VIDEO_MB file with random bytes at a few places, shown by the first lesson."""
    video = course / "lessons" / "video" / "nop-ho-so.mp4"
    video.parent.mkdir()
    with open(video, "wb") as out:
        out.truncate(VIDEO_MB * 2**20)
        for place in range(8):
            out.seek(place * VIDEO_MB * 2**20 // 8)
            out.write(os.urandom(4096))
    lesson = course / "lessons" / "01-gioi-thieu.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n![Xem video](video/nop-ho-so.mp4)\n", encoding="utf-8")
    return video


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()


def test_a_300_mb_video_is_built_and_installed_without_holding_it_in_memory(mini_course, tmp_path, make_player):
    baseline = build_peak_mb(mini_course, tmp_path / "without")
    video = add_video(mini_course)
    peak = build_peak_mb(mini_course, tmp_path / "dist")
    assert peak - baseline < MAX_EXTRA_MB, f"peak {peak} MB, {baseline} MB without the video"
    bundle_path = tmp_path / "dist" / "mini-1.0.0.tramhoc"
    with Bundle(bundle_path) as bundle:
        bundle.verify()
        assert bundle.manifest.files[asset_member("lessons/video/nop-ho-so.mp4")].sha256 == sha256_of(video)
    library = services(make_player(tmp_path / "data")).library
    assert library.install(bundle_path, allow_unverified=True).id == "mini"  # copied, verified completely
    rebuilt = build_peak_mb(mini_course, tmp_path / "again")  # with the build cache warm
    assert rebuilt - baseline < MAX_EXTRA_MB, f"rebuild peak {rebuilt} MB"
    assert sha256_of(tmp_path / "again" / bundle_path.name) == sha256_of(bundle_path)
