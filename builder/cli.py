"""Command line: `python -m builder check|build|watch|keygen`, and the trainers' new|preview|export-scorm
(builder/trainer_cli.py). Parses arguments and calls one function."""

import sys
import threading
import time
from pathlib import Path

from builder import __version__, trainer_cli
from builder.arguments import Parser, asked_language
from builder.build import build, check
from builder.i18n import LANGUAGES, _, choose_language, current_language, translate, use_language
from builder.problems import BuildFailed
from builder.publisher import PassphraseError, make_key_pair, new_passphrase, signing_key
from builder.watch import watch
from courses.errors import KeyFileError
from courses.keys import format_fingerprint

DEFAULT_OUT = Path("dist")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    previous = current_language()
    use_language(choose_language(asked_language(argv)))  # for --help, before the course folder is known
    try:
        args = _parser().parse_args(argv)
        use_language(choose_language(args.lang, getattr(args, "course_dir", None)))
        return _run(args)
    finally:
        use_language(previous)  # callers in the same process (tests, the preview) keep their language


def _parser() -> Parser:
    parser = Parser(prog="python -m builder", description=_("Compile a Trạm Học course folder into an offline bundle."))
    parser.add_argument("--version", action="version", version=f"tramhoc-builder {__version__}",
                        help=_("show the builder's version and exit"))
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help=_("validate a course folder without writing anything"))
    check_cmd.add_argument("course_dir", type=Path)
    build_cmd = commands.add_parser("build", help=_("build OUT_DIR/<id>-<version>.tramhoc"))
    build_cmd.add_argument("course_dir", type=Path)
    build_cmd.add_argument("--no-cache", action="store_true", help=_("render every lesson again"))
    build_cmd.add_argument("--sign", type=Path, metavar="KEY",
                           help=_("sign the bundle with this publisher's private key"))
    build_cmd.add_argument("--force", action="store_true",
                           help=_("sign even when the key file can be read by other users (with a warning)"))
    watch_cmd = commands.add_parser("watch", help=_("build, then build again whenever a file changes (Ctrl+C stops)"))
    watch_cmd.add_argument("course_dir", type=Path)
    for command in (build_cmd, watch_cmd):
        command.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help=_("output folder (default: dist)"))
    keygen = commands.add_parser("keygen", help=_("create a publisher's signing key pair (KEY.key and KEY.pub)"))
    keygen.add_argument("--out", type=Path, required=True, metavar="DIR", help=_("folder for the two key files"))
    keygen.add_argument("--publisher", required=True,
                        help=_("the publisher's name, as learning centres should see it"))
    keygen.add_argument("--no-passphrase", action="store_true",
                        help=_("do not encrypt the private key (it is then protected by file permissions only)"))
    for command in (build_cmd, keygen):
        command.add_argument("--passphrase-file", type=Path, metavar="FILE",
                             help=_("read the private key's passphrase from the first line of FILE"))
    for command in (check_cmd, build_cmd, watch_cmd):
        command.add_argument("-q", "--quiet", action="store_true", help=_("no progress output"))
    trainer_cli.add_commands(commands, DEFAULT_OUT)  # new, preview, export-scorm
    for command in commands.choices.values():
        command.add_argument("--lang", choices=LANGUAGES, help=_("language of the messages (default: the course's "
                                                                 "language, else the system's, else vi)"))
    return parser


def _run(args) -> int:
    if args.command in trainer_cli.COMMANDS:
        return trainer_cli.run(args)
    if args.command == "keygen":
        return _keygen(args.out, args.publisher, args.passphrase_file, args.no_passphrase)
    if not args.course_dir.is_dir():
        print(_("%(folder)s: not a course folder") % {"folder": args.course_dir}, file=sys.stderr)
        return 2
    signer = None
    if args.command == "build" and args.sign:
        try:
            signer = signing_key(args.sign, args.passphrase_file, args.force)
        except (KeyFileError, PassphraseError) as error:
            print(_("%(problem)s; nothing was written.") % {"problem": translate(error)}, file=sys.stderr)
            return 2
    progress = None if args.quiet else ProgressLine()
    if args.command == "watch":
        return _watch(args.course_dir, args.out, progress)
    started = time.perf_counter()
    try:
        if args.command == "check":
            compiled = check(args.course_dir, progress)
            result = _("%(folder)s: OK, %(count)s lessons") % {"folder": args.course_dir,
                                                               "count": len(compiled.course.lessons)}
        else:
            path = build(args.course_dir, args.out, progress, use_cache=not args.no_cache, signer=signer)
            result = (_("wrote %(path)s, signed by %(publisher)s") % {"path": path, "publisher": signer.publisher}
                      if signer else _("wrote %(path)s") % {"path": path})
    except BuildFailed as failure:
        _report_problems(failure.problems, progress, _("nothing was written"))
        return 1
    except OSError as error:  # a full disk, an output folder that cannot be made or written
        if progress:
            progress.clear()
        print(_("cannot write the bundle into %(folder)s: %(reason)s; nothing was written.")
              % {"folder": args.out, "reason": error.strerror or error}, file=sys.stderr)
        return 1
    if progress:
        progress.clear()
    if not args.quiet:
        print(_("%(result)s (%(seconds).2f s)") % {"result": result, "seconds": time.perf_counter() - started})
    return 0


def _watch(course_dir: Path, out_dir: Path, progress: "ProgressLine | None") -> int:
    def built(path: Path, seconds: float) -> None:
        if progress:
            progress.clear()
        print(_("%(time)s wrote %(path)s (%(seconds).2f s); watching %(folder)s for changes (Ctrl+C stops)")
              % {"time": time.strftime("%H:%M:%S"), "path": path, "seconds": seconds, "folder": course_dir}, flush=True)

    def failed(problems) -> None:
        _report_problems(problems, progress, _("the last good bundle was kept; fix and save to try again"))

    stop = threading.Event()
    try:
        watch(course_dir, out_dir, built, failed, stop, progress)
    except KeyboardInterrupt:
        stop.set()
    return 0


def _report_problems(problems, progress: "ProgressLine | None", outcome: str) -> None:
    if progress:
        progress.clear()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(_("%(count)s problem(s); %(outcome)s.") % {"count": len(problems), "outcome": outcome}, file=sys.stderr,
          flush=True)


def _keygen(folder: Path, publisher: str, passphrase_file: Path | None, no_passphrase: bool) -> int:
    try:
        passphrase = new_passphrase(passphrase_file, no_passphrase)
        key, private_path, public_path = make_key_pair(folder, publisher, passphrase)
    except (PassphraseError, ValueError, OSError) as error:
        print(_("cannot create the key pair: %(problem)s") % {"problem": translate(error)}, file=sys.stderr)
        return 2
    print(_("publisher:   %(publisher)s\n"
            "fingerprint: %(fingerprint)s\n"
            "private key: %(private)s  (secret: keep it offline with a backup; sign with --sign)\n"
            "public key:  %(public)s  (give it to learning centres: python -m player trust add)")
          % {"publisher": key.publisher, "fingerprint": format_fingerprint(key.public.fingerprint),
             "private": private_path, "public": public_path})
    return 0


class ProgressLine:
    """Shows `[ n/total] path` on stderr: one updating line on a terminal, a few lines otherwise."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty, self.shown = self.stream.isatty(), 0

    def __call__(self, done: int, total: int, path: str) -> None:
        if self.tty:
            self.stream.write(f"\r\033[K[{done:>{len(str(total))}}/{total}] {path}")
            self.stream.flush()
        elif done == total or done * 10 // total > self.shown:
            self.shown = done * 10 // total
            print(f"[{done}/{total}] {path}", file=self.stream)

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()
