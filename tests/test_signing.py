"""Publisher keys and signed bundles: key files, signing from the builder's command line, deterministic
signed builds, the round trip to a "verified publisher" label, and a byte flipped anywhere is refused."""

import hashlib
import os
import re
import stat
import zipfile
from pathlib import Path

import pytest
from bundle_tools import central_directory_region, region_of

from builder.build import build
from builder.cli import main as builder_main
from courses import Bundle, BundleError, KeyFileError
from courses.keys import format_fingerprint, generate, load_public_key, load_signing_key, write_key_pair
from courses.members import MANIFEST, SIGNATURE
from player.cli import main as player_main

MINI = Path(__file__).parent / "fixtures" / "courses" / "mini"
PASSPHRASE = "ba con mèo trèo cây cau"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def keygen(tmp_path, *options):
    return builder_main(["keygen", "--lang", "en", "--out", str(tmp_path / "keys"), "--publisher", "Sở TT&TT tỉnh Mẫu", *options])


def test_keygen_writes_an_encrypted_owner_only_private_key_and_a_public_key(tmp_path, passphrase_file, capsys):
    assert keygen(tmp_path, "--passphrase-file", str(passphrase_file)) == 0
    out = capsys.readouterr().out
    private, = (tmp_path / "keys").glob("*.key")
    public, = (tmp_path / "keys").glob("*.pub")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    text = private.read_text(encoding="utf-8")
    assert "-----BEGIN ENCRYPTED PRIVATE KEY-----" in text and "Publisher: Sở TT&TT tỉnh Mẫu" in text
    key = load_signing_key(private, PASSPHRASE.encode())
    assert load_public_key(public) == key.public
    assert format_fingerprint(key.public.fingerprint) in out and str(private) in out
    assert re.fullmatch(r"([0-9A-F]{4} ){15}[0-9A-F]{4}", format_fingerprint(key.public.fingerprint))
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        load_signing_key(private, b"not the passphrase")
    with pytest.raises(KeyFileError, match="protected by a passphrase"):
        load_signing_key(private, None)


def test_keygen_needs_an_explicit_choice_without_a_terminal(tmp_path, capsys):
    assert keygen(tmp_path) == 2
    assert "--passphrase-file FILE, or --no-passphrase" in capsys.readouterr().err
    assert not (tmp_path / "keys").exists()
    assert keygen(tmp_path, "--no-passphrase") == 0
    private, = (tmp_path / "keys").glob("*.key")
    assert "-----BEGIN PRIVATE KEY-----" in private.read_text() and stat.S_IMODE(private.stat().st_mode) == 0o600


def test_a_short_passphrase_is_refused(tmp_path, capsys):
    short = tmp_path / "short.txt"
    short.write_text("123456\n")
    assert keygen(tmp_path, "--passphrase-file", str(short)) == 2
    assert "shorter than 12 characters" in capsys.readouterr().err


def test_key_files_are_checked(tmp_path):
    key = generate("Nhà xuất bản")
    private, public = write_key_pair(key, tmp_path, None)
    with pytest.raises(FileExistsError):
        write_key_pair(key, tmp_path, None)
    with pytest.raises(KeyFileError, match="this is a private key"):
        load_public_key(private)
    edited = tmp_path / "edited.pub"
    edited.write_text(re.sub(r"Fingerprint: \w{4}", "Fingerprint: 0000", public.read_text(encoding="utf-8")),
                      encoding="utf-8")
    with pytest.raises(KeyFileError, match="does not match the key"):
        load_public_key(edited)
    nonsense = tmp_path / "nonsense.pub"
    nonsense.write_text("hello")
    with pytest.raises(KeyFileError, match="not a Trạm Học key file"):
        load_public_key(nonsense)
    with pytest.raises(KeyFileError, match="cannot read"):
        load_public_key(tmp_path / "missing.pub")


@pytest.mark.parametrize("name", ["", "   ", "Dòng 1\nDòng 2", "x" * 121, "Tab\there",
                                  "Sở TT&TT tỉnh \u202eX", "tỉnh\u200bX", "tỉnh \u2066X\u2069", "X\ud800"])
def test_bad_publisher_names_are_refused(name):
    with pytest.raises(ValueError):
        generate(name)


def test_signed_builds_are_byte_identical_and_carry_the_signature(tmp_path, publisher_key):
    first = build(MINI, tmp_path / "a", use_cache=False, signer=publisher_key)
    second = build(MINI, tmp_path / "b", use_cache=False, signer=publisher_key)
    assert sha(first) == sha(second)
    with zipfile.ZipFile(first) as archive:
        assert [info.filename for info in archive.infolist()][:2] == [MANIFEST, SIGNATURE]
    with Bundle(first) as bundle:
        bundle.verify()
        assert bundle.signer == publisher_key.public
    with Bundle(build(MINI, tmp_path / "c", use_cache=False)) as unsigned:
        assert unsigned.signer is None


def test_build_with_a_wrong_passphrase_writes_nothing(tmp_path, passphrase_file, capsys):
    assert keygen(tmp_path, "--passphrase-file", str(passphrase_file)) == 0
    private, = (tmp_path / "keys").glob("*.key")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("this is not the passphrase\n")
    out = tmp_path / "dist"
    assert builder_main(["build", "--lang", "en", str(MINI), "-o", str(out), "--sign", str(private),
                         "--passphrase-file", str(wrong)]) == 2
    assert "wrong passphrase" in capsys.readouterr().err
    assert builder_main(["build", "--lang", "en", str(MINI), "-o", str(out), "--sign", str(private)]) == 2
    assert "give --passphrase-file" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.skipif(os.name != "posix", reason="Windows keeps file access in ACLs, not mode bits")
def test_a_key_file_others_can_read_is_refused_without_force_and_no_passphrase_is_warned(tmp_path, capsys):
    assert keygen(tmp_path, "--no-passphrase") == 0
    private, = (tmp_path / "keys").glob("*.key")
    capsys.readouterr()
    out = tmp_path / "dist"
    assert builder_main(["build", "--lang", "en", str(MINI), "-o", str(out), "--sign", str(private), "--quiet"]) == 0
    assert capsys.readouterr().err == (f"warning: {private} has no passphrase: anyone who copies the file can sign "
                                       "courses in its publisher's name\n")

    private.chmod(0o644)  # world-readable, as a copy from a USB stick or an unzipped archive often is
    assert builder_main(["build", "--lang", "en", str(MINI), "-o", str(tmp_path / "refused"),
                         "--sign", str(private)]) == 2
    refused = capsys.readouterr().err
    assert f"{private} can be read by other users of this computer (mode 644): make it private with `chmod 600 " \
           f"{private}`, or give --force to sign anyway; nothing was written." in refused
    assert not (tmp_path / "refused").exists()
    assert builder_main(["build", "--lang", "en", str(MINI), "-o", str(tmp_path / "forced"), "--sign", str(private),
                         "--force", "--quiet"]) == 0
    assert f"warning: {private} can be read by other users" in capsys.readouterr().err
    private.chmod(0o640)  # readable by its group: refused too
    assert builder_main(["build", "--lang", "en", str(MINI), "-o", str(tmp_path / "group"),
                         "--sign", str(private)]) == 2


def test_round_trip_keygen_sign_trust_install_verified(tmp_path, passphrase_file, make_player, capsys):
    assert keygen(tmp_path, "--passphrase-file", str(passphrase_file)) == 0
    private, = (tmp_path / "keys").glob("*.key")
    public, = (tmp_path / "keys").glob("*.pub")
    assert builder_main(["build", str(MINI), "-o", str(tmp_path / "dist"), "--sign", str(private),
                         "--passphrase-file", str(passphrase_file), "--quiet"]) == 0
    bundle, = (tmp_path / "dist").glob("*.tramhoc")
    data = str(tmp_path / "data")
    assert player_main(["--data", data, "trust", "add", str(public)]) == 0
    assert player_main(["--data", data, "install", str(bundle)]) == 0
    assert "(đơn vị phát hành đã xác minh: Sở TT&TT tỉnh Mẫu)" in capsys.readouterr().out
    client = make_player(tmp_path / "data").test_client()
    client.sign_in()
    for url in ("/", "/courses/mini/"):
        page = client.get(url).get_data(as_text=True)
        assert "Đơn vị phát hành đã xác minh: Sở TT&amp;TT tỉnh Mẫu" in page
        assert "chưa xác minh" not in page
    lesson = client.get("/courses/mini/lessons/gioi-thieu").get_data(as_text=True)
    assert "đã xác minh" not in lesson and "chưa xác minh" not in lesson  # named on the course's pages only


def regions(path):
    """Every byte of a signed bundle, by the part of the zip it belongs to."""
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist()]
    found = {"local headers": []}
    for name in names:
        header, start, end = region_of(path, name)
        found["local headers"] += range(header, start)
        found[f"data of {name}"] = list(range(start, end))
    directory_start, directory_end = central_directory_region(path)
    found["central directory"] = list(range(directory_start, directory_end))
    found["end record"] = list(range(directory_end, path.stat().st_size))
    assert sorted(offset for offsets in found.values() for offset in offsets) == list(range(path.stat().st_size))
    return found


def test_every_byte_of_a_signed_bundle_is_covered(signed_bundle):
    parts = regions(signed_bundle)
    for wanted in (MANIFEST, SIGNATURE, "lessons/ky-so.html", "assets/lessons/images/dang-nhap.png",
                   "assets/lessons/images/so-do.svg"):
        assert parts[f"data of {wanted}"], wanted


@pytest.mark.parametrize("region", ["data of manifest.json", "data of signature.json",
                                    "data of lessons/dang-nhap.html", "data of lessons/gioi-thieu.html",
                                    "data of lessons/ky-so.html", "data of assets/lessons/images/dang-nhap.png",
                                    "data of assets/lessons/images/so-do.svg", "local headers",
                                    "central directory", "end record"])
def test_flipping_any_byte_of_a_signed_bundle_is_refused(signed_bundle, tmp_path, region):
    """Each byte of the region in turn has all its bits inverted; every variant must be refused, by opening
    (structure, signature) or by verify() (checksums). Bits that only pad the last byte of a deflate stream
    carry no content; inverting a whole byte always changes more than padding."""
    original = signed_bundle.read_bytes()
    offsets = regions(signed_bundle)[region]
    variant = tmp_path / "variant.tramhoc"
    accepted = []
    for offset in offsets:
        changed = bytearray(original)
        changed[offset] ^= 0xFF
        variant.write_bytes(changed)
        try:
            with Bundle(variant) as bundle:
                bundle.verify()
            accepted.append(offset)
        except BundleError:
            pass
    assert offsets and accepted == [], f"{region}: flipping these bytes went unnoticed: {accepted}"
