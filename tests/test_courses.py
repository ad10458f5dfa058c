"""The bundle contract: deterministic writing, verifying, and refusing changed or unsafe bundles."""

import hashlib
import json
import random
import zipfile
from pathlib import Path

import pytest
from bundle_tools import rewrite_bundle
from hypothesis import given
from hypothesis import strategies as st

from courses import Bundle, BundleError, Course, Lesson, Manifest, Section, write_bundle
from courses.manifest import LOWEST_WRITTEN_VERSION
from courses.members import MANIFEST, asset_member, lesson_member, unsafe_reason
from courses.model import version_key
from courses.writing import COMPRESS_LEVEL, STORED_SUFFIXES, STREAM_MIN_BYTES, bundle_timestamp

COURSE = Course(id="demo", title="Thử nghiệm", language="vi", version="1.0.0", authors=("A",),
                description="", sections=(Section(None, (Lesson("bai-1", "Bài 1", 3),)),))
MEMBERS = {lesson_member("bai-1"): "<p>Xin chào</p>".encode(), asset_member("img/a.png"): b"\x89PNG fake"}


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_input_gives_byte_identical_bundle(tmp_path):
    first = tmp_path / "a.tramhoc"
    second = tmp_path / "b.tramhoc"
    write_bundle(first, COURSE, MEMBERS, "test")
    write_bundle(second, COURSE, dict(reversed(list(MEMBERS.items()))), "test")
    assert sha(first) == sha(second)


def zipfile_reference(path, members: dict[str, bytes], date_time) -> bytes:
    """The archive Python's zipfile writes for the same entries, settings and order as write_bundle."""
    with zipfile.ZipFile(path, "w") as archive:
        for name in [MANIFEST, *sorted(n for n in members if n != MANIFEST)]:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system, info.external_attr = 3, 0o100644 << 16
            stored = name.lower().endswith(STORED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name], compresslevel=None if stored else COMPRESS_LEVEL)
    return path.read_bytes()


MEMBER_NAMES = st.sampled_from([lesson_member("bai-1"), lesson_member("chu-ky-so"), asset_member("img/a.png"),
                                asset_member("hình/sơ đồ.svg"), asset_member("tệp/mẫu.pdf"),
                                asset_member("âm thanh/bài 1.mp3")])


@given(st.dictionaries(MEMBER_NAMES, st.binary(max_size=3000) | st.text(max_size=2000).map(str.encode),
                       min_size=1))
def test_the_archive_is_byte_for_byte_what_zipfile_writes(tmp_path_factory, members):
    folder = tmp_path_factory.mktemp("zip")
    path = folder / "ours.tramhoc"
    manifest = write_bundle(path, COURSE, members, "test")
    reference = zipfile_reference(folder / "ref.zip", {MANIFEST: manifest.to_bytes(), **members},
                                  bundle_timestamp())
    assert path.read_bytes() == reference


def test_reused_deflated_members_give_the_same_bundle(tmp_path):
    deflated = {}
    write_bundle(tmp_path / "a.tramhoc", COURSE, MEMBERS, "test", deflated)
    assert len(deflated) == 2  # the manifest and the lesson; the PNG is stored as it is
    deflated_again = dict(deflated)
    write_bundle(tmp_path / "b.tramhoc", COURSE, MEMBERS, "test", deflated_again)
    assert deflated_again == deflated
    assert sha(tmp_path / "a.tramhoc") == sha(tmp_path / "b.tramhoc")


def media_members() -> dict[str, bytes]:
    """Members as an author's files hold them: a video (stored), a small diagram (deflated from memory)
    and a diagram big enough to be deflated as it is written; partly random, partly repetitive."""
    noise = random.Random(14).randbytes
    big_svg = b"".join(b"<path d='M0 0L%d %d'/>" % (n, n * 7 % 991) + noise(n % 97) for n in range(300_000))
    assert len(big_svg) > STREAM_MIN_BYTES
    return {asset_member("video/bài 1.mp4"): noise(3 * 2**20 + 17), asset_member("hình/sơ đồ.svg"): b"<svg/>" * 999,
            asset_member("hình/bản đồ.svg"): big_svg, **MEMBERS}


def as_files(folder, members: dict[str, bytes]) -> dict:
    """The same members, each but the lesson as a file to read."""
    paths = {}
    for number, (name, data) in enumerate(members.items()):
        if name.startswith("assets/"):
            paths[name] = folder / f"{number}{Path(name).suffix}"
            paths[name].write_bytes(data)
        else:
            paths[name] = data
    return paths


def test_files_and_their_bytes_give_byte_identical_bundles(tmp_path):
    """Issue 14 #21: a member given as a file is streamed, into the very archive its bytes make."""
    members = media_members()
    from_bytes = tmp_path / "bytes.tramhoc"
    manifest = write_bundle(from_bytes, COURSE, members, "test")
    from_files, deflated = tmp_path / "files.tramhoc", {}
    assert write_bundle(from_files, COURSE, as_files(tmp_path, members), "test", deflated) == manifest
    assert from_files.read_bytes() == from_bytes.read_bytes() == zipfile_reference(
        tmp_path / "ref.zip", {MANIFEST: manifest.to_bytes(), **members}, bundle_timestamp())
    big = hashlib.sha256(members[asset_member("hình/bản đồ.svg")]).hexdigest()
    assert big not in deflated and len(deflated) == 3  # the manifest, the lesson and the small diagram
    write_bundle(tmp_path / "again.tramhoc", COURSE, as_files(tmp_path, members), "test", deflated)
    assert (tmp_path / "again.tramhoc").read_bytes() == from_bytes.read_bytes()
    with Bundle(from_files) as bundle:
        bundle.verify()


@pytest.mark.parametrize("name", [asset_member("video/a.mp4"), asset_member("hình/bản đồ.svg")])
def test_a_file_that_changes_while_it_is_written_is_refused(tmp_path, name):
    """Its checksums in the manifest would no longer match: nothing is written."""
    source = tmp_path / Path(name).name
    source.write_bytes(b"<svg/>" * STREAM_MIN_BYTES)

    class Editing(dict):  # the author saves the file again after its checksums were taken
        def get(self, key, default=None):
            with open(source, "ab") as more:
                more.write(b"<!-- -->")
            return super().get(key, default)

    with pytest.raises(ValueError, match="changed while the bundle was being written"):
        write_bundle(tmp_path / "out" / "a.tramhoc", COURSE, {**MEMBERS, name: source}, "test", Editing())
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("video_bytes, deflated_bytes", [(2**20 + 1, 0), (2**20 - 100, 200)])
def test_a_bundle_too_big_for_a_zip_is_refused_and_nothing_is_written(tmp_path, monkeypatch, video_bytes,
                                                                      deflated_bytes):
    """Stored files over the limit are refused before writing; deflated ones once the archive passes it."""
    monkeypatch.setattr("courses.writing.MAX_ARCHIVE_BYTES", 2**20)
    video = tmp_path / "video.mp4"
    video.write_bytes(random.Random(1).randbytes(video_bytes))
    members = {**MEMBERS, asset_member("video.mp4"): video,
               asset_member("noise.svg"): random.Random(2).randbytes(deflated_bytes)}
    with pytest.raises(ValueError, match="larger than 4 GiB or hold more than 65,535 files"):
        write_bundle(tmp_path / "out" / "a.tramhoc", COURSE, members, "test")
    assert list((tmp_path / "out").glob("*")) == []


def test_source_date_epoch_sets_entry_times(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_bundle(tmp_path / "a.tramhoc", COURSE, MEMBERS, "test")
    with zipfile.ZipFile(tmp_path / "a.tramhoc") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_round_trip_reads_course_and_members(tmp_path):
    path = tmp_path / "a.tramhoc"
    write_bundle(path, COURSE, MEMBERS, "test")
    with Bundle(path) as bundle:
        bundle.verify()
        assert bundle.course == COURSE
        assert bundle.read(lesson_member("bai-1")).decode() == "<p>Xin chào</p>"


def flip_byte_in_member(path, member):
    """Change one byte of a stored member's data in place, keeping the zip structure."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    data = bytearray(path.read_bytes())
    name_len, extra_len = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    data[start + 1] ^= 0x01
    path.write_bytes(bytes(data))


def test_one_changed_byte_is_refused(tmp_path):
    path = tmp_path / "a.tramhoc"
    write_bundle(path, COURSE, MEMBERS, "test")
    flip_byte_in_member(path, asset_member("img/a.png"))  # stored, so the byte is the data itself
    with Bundle(path) as bundle, pytest.raises(BundleError, match="changed|cannot be read"):
        bundle.verify()


@pytest.mark.parametrize("transform, message", [
    (lambda n, d: [(n, d)] + ([("assets/extra.png", b"x")] if n == MANIFEST else []), "not listed"),
    (lambda n, d: [] if n.startswith("assets/") else [(n, d)], "missing"),
    (lambda n, d: [(n, d.replace(b"Xin", b"Xon"))], "changed"),
    # a course without a pre-test is written in the version before the pre-test's
    (lambda n, d: [(n, d.replace(f'"format_version": {LOWEST_WRITTEN_VERSION}'.encode(), b'"format_version": 99'))],
     "unsupported bundle format"),
    (lambda n, d: [(n, b"{not json" if n == MANIFEST else d)], "not valid UTF-8 JSON"),
    (lambda n, d: [(n, d)] + ([("../evil.txt", b"x")] if n == MANIFEST else []), "unsafe entry name"),
    (lambda n, d: [(n, d)] + ([("/etc/evil", b"x")] if n == MANIFEST else []), "unsafe entry name"),
    (lambda n, d: [(n, d)] + ([(n, d)] if n == MANIFEST else []), "duplicate entry"),
    (lambda n, d: [] if n == MANIFEST else [(n, d)], "no manifest"),
])
def test_broken_bundles_are_refused_with_a_reason(tmp_path, transform, message):
    path = tmp_path / "a.tramhoc"
    write_bundle(path, COURSE, MEMBERS, "test")
    rewrite_bundle(path, transform)
    with pytest.raises(BundleError, match=message):
        with Bundle(path) as bundle:
            bundle.verify()


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "a.tramhoc"
    path.write_bytes(b"hello")
    with pytest.raises(BundleError, match="not a readable bundle"):
        Bundle(path)


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/abs", "C:/x", "a\\b", "a//b", "./a", "", "a\x00b",
                                  "nfd/cho\u0302\u0300"])
def test_unsafe_member_names(name):
    assert unsafe_reason(name)


@pytest.mark.parametrize("name", ["manifest.json", "lessons/a.html", "assets/hình ảnh/ảnh 1.png"])
def test_safe_member_names(name):
    assert unsafe_reason(name) is None


@given(st.binary(max_size=2000))
def test_manifest_parser_raises_only_bundle_errors(raw):
    try:
        Manifest.from_bytes(raw)
    except BundleError:
        pass


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20))
def test_manifest_parser_handles_any_json_shape(value):
    base = json.loads(Manifest(COURSE, {lesson_member("bai-1"): COURSE_ENTRY}, "t").to_bytes())
    for key in ("course", "files", "format_version"):
        mutated = dict(base, **{key: value})
        try:
            Manifest.from_bytes(json.dumps(mutated).encode())
        except BundleError:
            pass


COURSE_ENTRY = __import__("courses").FileEntry("0" * 64, 1)


def test_versions_sort_semantically():
    assert version_key("1.10.0") > version_key("1.9.3") > version_key("1.9.3-beta.2") > version_key("1.9.3-beta.1")


def test_symlink_entry_is_refused(tmp_path):
    path = tmp_path / "a.tramhoc"
    write_bundle(path, COURSE, MEMBERS, "test")
    with zipfile.ZipFile(path, "a") as archive:
        link = zipfile.ZipInfo("assets/link.png")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(BundleError, match="not a regular file"):
        Bundle(path)
