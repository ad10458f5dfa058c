"""Hostile bundles: each is a real file made by a small recipe below, each is refused with its own clear
message, and refusing it writes nothing: no partial install, no temporary file, through the library, the
command line or the web form."""

import base64
import io
import json
import os
import stat
import warnings
import zipfile

import pytest
from bundle_tools import (
    add_entry,
    patch_central,
    patch_end,
    patch_local,
    read_entries,
    relist,
    snapshot,
    write_entries,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from support.pages import ADMIN_PIN
from hypothesis import strategies as st

from courses import Bundle, BundleError
from courses.keys import SigningKey
from courses.members import MANIFEST, SIGNATURE
from courses.signing import signature_member
from courses.zipcheck import MAX_CENTRAL_DIRECTORY_BYTES
from player.cli import main as player_main
from player.library.bundles import InstallError
from player.store.folder_lock import FolderLock
from player.web.services import services

MiB = 1024 * 1024


def _with(base, *extra):
    return base + list(extra)


def _raw(path, base, name, data, **options):
    """The base entries plus one entry written with unusual zip options."""
    with zipfile.ZipFile(path, "w") as archive:
        for entry_name, entry_data in base:
            add_entry(archive, entry_name, entry_data)
        add_entry(archive, name, data, **options)


def _manifest_edit(base, edit):
    manifest = json.loads(dict(base)[MANIFEST])
    edit(manifest)
    raw = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    return [(name, raw if name == MANIFEST else data) for name, data in base]


def _signature_edit(signed, edit):
    signature = json.loads(dict(signed)[SIGNATURE])
    edit(signature)
    raw = json.dumps(signature, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    return [(name, raw if name == SIGNATURE else data) for name, data in signed]


def _lying_sizes(path, base, signed):
    write_entries(path, base + [("assets/a.mp4", b"a" * 100), ("assets/b.mp4", b"b" * 100)])
    for name in ("assets/a.mp4", "assets/b.mp4"):
        for field in ("file_size", "compress_size"):
            patch_central(path, name, field, 3 * 1024**3)


def _overlap(path, base, signed):
    write_entries(path, base)
    names = [name for name, _ in base]
    first_offset = zipfile.ZipFile(path).getinfo(names[0]).header_offset
    patch_central(path, names[1], "header_offset", first_offset)


def _both(path, name, field, value):
    patch_central(path, name, field, value)
    patch_local(path, name, field, value)


# id: (recipe(path, unsigned entries, signed entries), the message, as a regular expression)
CASES = {
    "traversal": (lambda p, b, s: write_entries(p, _with(b, ("../evil.html", b"x"))),
                  r"unsafe entry name '\.\./evil\.html': path traversal"),
    "nested traversal": (lambda p, b, s: write_entries(p, _with(b, ("assets/../../evil.png", b"x"))),
                         r"unsafe entry name 'assets/\.\./\.\./evil\.png': path traversal"),
    "absolute path": (lambda p, b, s: write_entries(p, _with(b, ("/etc/evil", b"x"))),
                      r"unsafe entry name '/etc/evil': absolute path"),
    "drive letter": (lambda p, b, s: write_entries(p, _with(b, ("C:/Windows/evil.dll", b"x"))),
                     r"unsafe entry name 'C:/Windows/evil\.dll': absolute path"),
    "drive-relative": (lambda p, b, s: write_entries(p, _with(b, ("C:evil.txt", b"x"))),
                       r"unsafe entry name 'C:evil\.txt': absolute path"),
    "backslash": (lambda p, b, s: write_entries(p, _with(b, ("assets\\..\\..\\evil.png", b"x"))),
                  r"unsafe entry name .*: backslash in name"),
    "not NFC": (lambda p, b, s: write_entries(p, _with(b, ("assets/cho\u0302\u0300.png", b"x"))),
                r"not in Unicode NFC"),
    "symlink": (lambda p, b, s: _raw(p, b, "assets/link.png", b"/etc/passwd",
                                     external_attr=(stat.S_IFLNK | 0o777) << 16),
                r"entry 'assets/link\.png' is not a regular file"),
    "device": (lambda p, b, s: _raw(p, b, "assets/dev.png", b"", external_attr=(stat.S_IFCHR | 0o666) << 16),
               r"entry 'assets/dev\.png' is not a regular file"),
    "fifo": (lambda p, b, s: _raw(p, b, "assets/fifo.png", b"", external_attr=(stat.S_IFIFO | 0o644) << 16),
             r"entry 'assets/fifo\.png' is not a regular file"),
    "folder": (lambda p, b, s: _raw(p, b, "assets/folder", b"", external_attr=(stat.S_IFDIR | 0o755) << 16),
               r"entry 'assets/folder' is not a regular file"),
    "duplicate name": (lambda p, b, s: write_entries(p, _with(b, b[-1])), r"duplicate entry name"),
    "too many entries": (lambda p, b, s: write_entries(p, b + [(f"assets/{n}.png", b"") for n in range(20_001)]),
                         r"too many entries \(20007, limit 20000\)"),
    "huge central directory": (lambda p, b, s: (write_entries(p, b),
                                                patch_end(p, "directory_size", MAX_CENTRAL_DIRECTORY_BYTES + 1)),
                               r"central directory is too large"),
    "lying sizes (4 GiB+)": (_lying_sizes, r"bundle unpacks to more than 4294967296 bytes"),
    "zip bomb entry": (lambda p, b, s: write_entries(p, _with(b, ("assets/bomb.svg", bytes(8 * MiB)))),
                       r"entry 'assets/bomb\.svg' is compressed suspiciously well"),
    "zip bomb, many entries": (lambda p, b, s: write_entries(p, b + [(f"assets/{n}.svg", bytes(MiB))
                                                                     for n in range(70)]),
                               r"the bundle is compressed suspiciously well"),
    "encrypted entry": (lambda p, b, s: (write_entries(p, b), _both(p, b[-1][0], "flags", 0x1)),
                        r"is encrypted"),
    "data descriptor": (lambda p, b, s: (write_entries(p, b), _both(p, b[-1][0], "flags", 0x8)),
                        r"has a data descriptor"),
    "other compression": (lambda p, b, s: _raw(p, b, "assets/x.svg", b"<svg/>" * 100, method=zipfile.ZIP_BZIP2),
                          r"entry 'assets/x\.svg' uses compression method 12"),
    "lying local header": (lambda p, b, s: (write_entries(p, b), patch_local(p, b[-1][0], "crc", 0)),
                           r"its local header disagrees with the central directory"),
    "overlapping entries": (_overlap, r"does not start where the previous entry ends"),
    "prepended data": (lambda p, b, s: (write_entries(p, b), p.write_bytes(b"MZ" + bytes(100) + p.read_bytes())),
                       r"central directory is not where its end record says"),
    "appended data": (lambda p, b, s: (write_entries(p, b), p.write_bytes(p.read_bytes() + b"#!/bin/sh\n")),
                      r"something was added after its end"),
    "zip comment": (lambda p, b, s: (write_entries(p, b), p.write_bytes(p.read_bytes()[:-2] + b"\x05\x00hello")),
                    r"something was added after its end"),
    "entry count mismatch": (lambda p, b, s: (write_entries(p, b), patch_end(p, "entries", len(b) - 1),
                                              patch_end(p, "entries_on_disk", len(b) - 1)),
                             r"lists 6 entries, its end record 5"),
    "made by another tool": (lambda p, b, s: _raw(p, b, "assets/x.png", b"x", external_attr=0o600 << 16),
                             r"zip attributes differ from those of a tramhoc bundle"),
    "not a zip": (lambda p, b, s: p.write_bytes(b"<html>not a bundle</html>"), r"not a readable bundle"),
    "no manifest": (lambda p, b, s: write_entries(p, [e for e in b if e[0] != MANIFEST]), r"no manifest\.json"),
    "oversized manifest": (lambda p, b, s: write_entries(p, _manifest_edit(  # incompressible: not a bomb
        b, lambda m: m["course"].update(description=base64.b64encode(os.urandom(3 * MiB)).decode()))),
                           r"manifest\.json is too large \(\d+ bytes, limit 4194304\)"),
    "malformed manifest": (lambda p, b, s: write_entries(p, [(n, b"{not json" if n == MANIFEST else d) for n, d in b]),
                           r"manifest is not valid UTF-8 JSON"),
    "manifest of the wrong shape": (lambda p, b, s: write_entries(p, _manifest_edit(
        b, lambda m: m["course"].update(id="../../etc"))), r"manifest\.course: bad course id"),
    "unknown format version": (lambda p, b, s: write_entries(p, _manifest_edit(
        b, lambda m: m.update(format_version=99))), r"unsupported bundle format version 99"),
    "unlisted file": (lambda p, b, s: write_entries(p, _with(b, ("assets/extra.png", b"x"))),
                      r"files not listed in the manifest: assets/extra\.png"),
    "listed file missing": (lambda p, b, s: write_entries(p, [e for e in b if not e[0].startswith("assets/")]),
                            r"files missing from the bundle"),
    "oversized lesson": (lambda p, b, s: write_entries(p, relist(
        [(n, os.urandom(17 * MiB) if n == "lessons/ky-so.html" else d) for n, d in b])),
                         r"lessons/ky-so\.html is too large for a lesson page"),
    "malformed signature": (lambda p, b, s: write_entries(p, [(n, b"\xff\xfe" if n == SIGNATURE else d)
                                                              for n, d in s]),
                            r"signature is not valid UTF-8 JSON"),
    "oversized signature": (lambda p, b, s: write_entries(p, [(n, d + b" " * 65536 if n == SIGNATURE else d)
                                                              for n, d in s]),
                            r"signature\.json is too large"),
    "signature, other algorithm": (lambda p, b, s: write_entries(p, _signature_edit(
        s, lambda g: g.update(algorithm="rsa-sha1"))), r"unsupported algorithm 'rsa-sha1'"),
    "signature, unknown version": (lambda p, b, s: write_entries(p, _signature_edit(
        s, lambda g: g.update(format_version=2))), r"unsupported signature format version 2"),
    "signature, extra field": (lambda p, b, s: write_entries(p, _signature_edit(
        s, lambda g: g.update(trusted=True))), r"expected exactly the fields"),
    "signature, foreign fingerprint": (lambda p, b, s: write_entries(p, _signature_edit(
        s, lambda g: g.update(fingerprint="0" * 64))), r"the fingerprint does not belong to the public key"),
    "signature, not base64": (lambda p, b, s: write_entries(p, _signature_edit(
        s, lambda g: g.update(signature="!!!"))), r"signature\.signature: not base64"),
    "signature of other bytes": (lambda p, b, s: write_entries(p, _manifest_edit(
        s, lambda m: m["course"].update(title="Khoá học giả mạo"))),
                                 r"the signature does not match the manifest"),
    # Text that breaks pages or spoofs a name (issue 14 #15, #18), in bundles signed again so that only the
    # text is wrong: a lone surrogate, a right-to-left override, a zero-width space, a spoofed publisher.
    "lone surrogate in a title": (lambda p, b, s: _resigned(p, s, lambda raw: raw.replace(
        b'"title": "', b'"title": "\\ud800', 1)),
                                  r"manifest\.course\.sections\[0\]\.lessons\[0\]\.title: not valid Unicode"),
    "lone surrogate in a file name": (lambda p, b, s: _resigned(p, s, lambda raw: raw.replace(
        b'"assets/', b'"assets/\\udfff', 1)), r"manifest\.files \(a key\): not valid Unicode"),
    "bidi override in the title": (lambda p, b, s: _resigned(p, s, lambda raw: _edit(
        raw, lambda m: m["course"].update(title="Sở TT&TT tỉnh \u202eX"))),
                                   r"manifest\.course\.title: contains a bidirectional control character \(U\+202E\)"),
    "zero-width space in an author": (lambda p, b, s: _resigned(p, s, lambda raw: _edit(
        raw, lambda m: m["course"].update(authors=["tỉnh\u200bX"]))),
                                      r"manifest\.course\.authors\[0\]: contains an invisible formatting character"),
    "bidi override in the publisher": (lambda p, b, s: _resigned(p, s, lambda raw: raw, publisher="tỉnh \u202eX"),
                                       r"signature: the publisher name contains a bidirectional control character"),
}


def _edit(raw: bytes, edit) -> bytes:
    manifest = json.loads(raw)
    edit(manifest)
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"


def _resigned(path, signed, change, publisher="Sở TT&TT tỉnh Khác"):
    """The signed bundle with its manifest's bytes changed, signed again by a key of `publisher`."""
    manifest = change(dict(signed)[MANIFEST])
    key = SigningKey(publisher, Ed25519PrivateKey.generate())  # not generate(): it refuses such names now
    write_entries(path, [(name, manifest if name == MANIFEST else signature_member(key, manifest)
                          if name == SIGNATURE else data) for name, data in signed])


@pytest.fixture(scope="session")
def hostile(tmp_path_factory, mini_bundle, signed_bundle):
    """Every hostile bundle, made once per session: {case id: path}."""
    folder = tmp_path_factory.mktemp("hostile")
    unsigned, signed = read_entries(mini_bundle), read_entries(signed_bundle)
    paths = {}
    for number, (case, (recipe, _)) in enumerate(CASES.items()):
        path = folder / f"{number:02d}.tramhoc"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we write on purpose
            recipe(path, unsigned, signed)
        paths[case] = path
    return paths


@pytest.mark.parametrize("case", CASES)
def test_each_hostile_bundle_is_refused_with_its_own_message(hostile, case):
    with pytest.raises(BundleError, match=CASES[case][1]) as refusal:
        with Bundle(hostile[case]) as bundle:
            bundle.verify()
    assert str(refusal.value).startswith(f"{hostile[case].name}: ")


def test_messages_are_distinct():
    messages = [message for _, message in CASES.values()]
    shared = {message for message in messages if messages.count(message) > 1}
    assert shared == {r"something was added after its end"}  # appended data and a comment are the same thing


@pytest.mark.parametrize("case", CASES)
def test_installing_a_hostile_bundle_writes_nothing(hostile, case, tmp_path, make_player, publisher_key, capsys):
    app = make_player(tmp_path / "data", trusted=(publisher_key,))
    library = services(app).library
    FolderLock(services(app).paths).acquire().release()  # the lock file is there once a player has run
    admin = app.test_client()
    admin.set_admin_pin(ADMIN_PIN)
    before = snapshot(tmp_path, hostile[case]), sorted(os.listdir(hostile[case].parent))
    with pytest.raises(InstallError, match=CASES[case][1]):
        library.install(hostile[case], allow_unverified=True, force=True)
    assert player_main(["--data", str(tmp_path / "data"), "install", "--allow-unverified", "--force",
                        str(hostile[case])]) == 1
    assert hostile[case].name in capsys.readouterr().err
    response = admin.post("/install", follow_redirects=True, data={
        "bundle": (io.BytesIO(hostile[case].read_bytes()), "course.tramhoc")})
    assert "Không cài được khoá học này" in response.get_data(as_text=True)
    assert (snapshot(tmp_path, hostile[case]), sorted(os.listdir(hostile[case].parent))) == before
    assert library.courses() == []


def test_the_base_entries_are_a_valid_bundle(tmp_path, mini_bundle, signed_bundle):
    """The recipes start from good bundles: a rewrite without changes is accepted, so each refusal is
    caused by its own change."""
    for source in (mini_bundle, signed_bundle):
        path = write_entries(tmp_path / source.name, read_entries(source))
        assert path.read_bytes() == source.read_bytes()


def test_a_zip64_end_record_is_accepted(tmp_path, mini_bundle):
    """Bundles over 2 GiB or 65,535 entries end with zip64 records; one written by hand reads back."""
    data = bytearray(mini_bundle.read_bytes())
    end = len(data) - 22
    entries, size, offset = int.from_bytes(data[end + 10:end + 12], "little"), \
        int.from_bytes(data[end + 12:end + 16], "little"), int.from_bytes(data[end + 16:end + 20], "little")
    zip64_end = (b"PK\x06\x06" + (44).to_bytes(8, "little") + (45).to_bytes(2, "little") * 2 + bytes(8)
                 + entries.to_bytes(8, "little") * 2 + size.to_bytes(8, "little") + offset.to_bytes(8, "little"))
    locator = b"PK\x06\x07" + bytes(4) + end.to_bytes(8, "little") + (1).to_bytes(4, "little")
    old_end = bytes(data[end:end + 8]) + b"\xff" * 12 + b"\x00\x00"
    path = tmp_path / "zip64.tramhoc"
    path.write_bytes(bytes(data[:end]) + zip64_end + locator + old_end)
    with Bundle(path) as bundle:
        bundle.verify()


@settings(max_examples=150, deadline=None)
@given(changes=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
                        min_size=1, max_size=6),
       cut=st.none() | st.integers(min_value=0))
def test_random_damage_is_only_ever_a_bundle_error(signed_bundle, tmp_path_factory, changes, cut):
    """Overwrite a few bytes and perhaps cut the file short: the reader answers with BundleError (a message
    for a person) and nothing else, and never accepts a signed bundle with content other than the
    publisher's. (Only padding bits after the end of a deflate stream can change without effect.)"""
    original = signed_bundle.read_bytes()
    damaged = bytearray(original)
    for offset, value in changes:
        damaged[offset % len(damaged)] = value
    if cut is not None:
        damaged = damaged[:cut % len(damaged)]
    path = tmp_path_factory.mktemp("damaged") / "damaged.tramhoc"
    path.write_bytes(bytes(damaged))
    try:
        with Bundle(path) as bundle:
            bundle.verify()
            accepted = _content(bundle)
    except BundleError:
        return
    with Bundle(signed_bundle) as bundle:
        assert accepted == _content(bundle)


def _content(bundle):
    return bundle.signer, bundle.manifest, {name: bundle.read(name) for name in bundle.manifest.files}
