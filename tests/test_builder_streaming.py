"""Issue 14 #21: a large asset flows through the builder and the bundle writer in chunks, so the memory a
build needs does not grow with the size of a video."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import courses.writing
from builder.build import CourseBuild
from builder.cli import main as builder_main
from builder.problems import BuildFailed
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


def add_video(course: Path, megabytes: int = VIDEO_MB) -> Path:
    """A sparse video with random bytes at a few places, shown by the first lesson."""
    video = course / "lessons" / "video" / "nop-ho-so.mp4"
    video.parent.mkdir()
    with open(video, "wb") as out:
        out.truncate(megabytes * 2**20)
        for place in range(8):
            out.seek(place * megabytes * 2**20 // 8)
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


def save_again(video: Path) -> None:
    with open(video, "ab") as more:
        more.write(b"the end of the video")


def changed_while_written(course: Path, monkeypatch, change) -> Path:
    """A video that `change` changes after its checksums are taken, before it is copied into the bundle."""
    video = add_video(course, 2)
    checksummed = courses.writing._payloads  # runs after every file's checksums, before any is copied

    def meanwhile(*args):
        change(video)
        return checksummed(*args)

    monkeypatch.setattr(courses.writing, "_payloads", meanwhile)
    return video


@pytest.mark.parametrize("change", [save_again, Path.unlink])
def test_a_video_changed_while_the_bundle_is_written_is_a_problem_not_a_broken_bundle(mini_course, tmp_path,
                                                                                      monkeypatch, change):
    video = changed_while_written(mini_course, monkeypatch, change)
    with pytest.raises(BuildFailed) as failed:
        CourseBuild(mini_course, tmp_path / "dist").build()
    assert [str(problem) for problem in failed.value.problems] == [
        f"{video.as_posix()}: changed while the bundle was being written: build again once it is saved"]
    assert list((tmp_path / "dist").iterdir()) == []


def test_builder_build_reports_it_in_the_authors_language(mini_course, tmp_path, monkeypatch, capsys):
    changed_while_written(mini_course, monkeypatch, save_again)
    assert builder_main(["build", "--lang", "vi", str(mini_course), "--out", str(tmp_path / "dist")]) == 1
    assert ("nop-ho-so.mp4: đã thay đổi trong lúc đang ghi gói: hãy đóng gói lại khi tệp đã lưu xong\n"
            "1 lỗi; chưa ghi tệp nào.") in capsys.readouterr().err
