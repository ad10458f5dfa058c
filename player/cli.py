"""Command line: `python -m player [open|serve|install|list|trust|export|report|sync|learners]`. Parses arguments
and calls one function."""

import argparse
import socket
import sys
from pathlib import Path

from player import __version__
from player.results import commands as results_commands
from player.transfer import commands as learner_commands

DEFAULT_PORT = 8765
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m player", description="Trạm Học course player.")
    parser.add_argument("--version", action="version", version=f"tramhoc-player {__version__}")
    parser.add_argument("--data", metavar="DIR", help="data folder (default: $TRAMHOC_HOME or per-user folder)")
    commands = parser.add_subparsers(dest="command")
    opening = commands.add_parser("open", help="open the player window (the default; serves in a browser without "
                                               "a display)")
    opening.add_argument("bundle", nargs="?", type=Path,
                         help="a course file (.tramhoc) to show in the install review (Windows opens them so)")
    serve = commands.add_parser("serve", help="serve the player for a web browser")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1, this PC only; 0.0.0.0 in LAN mode)")
    serve.add_argument("--lan", action="store_true",
                       help="LAN mode: serve the other PCs of the centre (also when the admin turned it on)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8765; 0 picks a free one)")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="in LAN mode, a name of this PC that other computers use to reach it (repeatable); "
                            "IP addresses always work")
    install = commands.add_parser("install", help="verify a course bundle and add it to the library")
    install.add_argument("bundle", type=Path)
    install.add_argument("--force", action="store_true", help="allow replacing a newer installed version")
    install.add_argument("--allow-unverified", action="store_true",
                         help="install even if no trusted publisher signed the bundle (it is labelled unverified)")
    commands.add_parser("list", help="list installed courses")
    trust = commands.add_parser("trust", help="manage the publisher keys this player trusts")
    trust_commands = trust.add_subparsers(dest="trust_command", required=True)
    trust_add = trust_commands.add_parser("add", help="trust a publisher's public key file (.pub)")
    trust_add.add_argument("keyfile", type=Path)
    trust_add.add_argument("--name", help="the name learners see (default: the name in the key file)")
    trust_commands.add_parser("list", help="list trusted publishers")
    trust_remove = trust_commands.add_parser("remove", help="stop trusting a publisher key")
    trust_remove.add_argument("fingerprint", nargs="+", help="its fingerprint (or its first 8+ hex digits)")
    results_commands.add_parsers(commands)
    learner_commands.add_parsers(commands)
    args = parser.parse_args(argv)
    if args.command == "report":  # no data folder: the report's language is --lang
        return results_commands.report(args)

    from player.paths import DataPaths, resolve_data_dir  # after parsing, so --help stays instant
    from player.store.folder_lock import AlreadyRunning, FolderLock

    command = args.command or "open"
    paths = DataPaths(resolve_data_dir(args.data))
    if not _changes_the_folder(command, args):
        return _run(paths, command, args)
    lock = FolderLock(paths)
    try:
        lock.acquire()  # before the app is made: making it may tidy the folder
    except AlreadyRunning as running:
        return _already_running(command, running.url, paths, args)
    try:
        return _run(paths, command, args, lock)
    finally:
        lock.release()


def _run(paths, command: str, args, lock=None) -> int:
    """Run one command over a player app; `lock` is the data folder's, when the command changes it."""
    from player.app import create_app
    from player.web.i18n import Language
    from player.web.services import services

    app = create_app(paths.root)
    app.config["FOLDER_LOCK"] = lock
    made = services(app)
    lang = Language(made.store.settings.get()["language"])  # messages in the centre's language
    if command in results_commands.NAMES:
        return results_commands.run(made, args, lang)
    if command == learner_commands.NAME:
        return learner_commands.run(made, args, lang)
    if command == "install":
        installed = _install(made.library, args.bundle, args.force, args.allow_unverified, lang)
        if installed == 0:
            made.search.update(made.library)  # its words are searchable from the first search
        return installed
    if command == "list":
        for course in made.library.courses():
            origin = made.library.provenance(course.id)
            label = (lang.gettext("verified: %(publisher)s", publisher=origin.publisher) if origin.verified
                     else lang.gettext("UNVERIFIED"))
            print(f"{course.id}\t{course.version}\t{course.title}\t{label}")
        return 0
    if command == "trust":
        from player.library.trust_commands import run

        return run(made.trust, args, lang)
    from player.web.server import EVERY_ADDRESS

    if command == "open":
        from player.desktop import MISSING, NoWindowEngine, open_in_browser, run_window

        start = _review_page(app, made.approvals, args.bundle, lang) if args.bundle else ""
        lan = _lan_mode(app, made, False)
        try:
            run_window(app, made.paths.webview, announce=app.config["FOLDER_LOCK"].announce, start=start,
                       lan_port=DEFAULT_PORT if lan else None)
            return 0
        except NoWindowEngine as reason:
            print(lang.gettext("No desktop window (%(reason)s); serving for a web browser instead.",
                               reason=reason), file=sys.stderr)
            browser, missing = reason.browser_instead, reason.missing  # the browser, and what to add
        message = lang.gettext(MISSING[missing]) if missing else None
        on_ready = (lambda url: open_in_browser(url + start, message)) if browser else None
        return _serve(app, EVERY_ADDRESS if lan else "127.0.0.1", DEFAULT_PORT, lang, any_port_if_busy=not lan,
                      on_ready=on_ready)
    app.config["ALLOWED_HOSTS"] = tuple(args.allow_host)
    host = args.host or (EVERY_ADDRESS if _lan_mode(app, made, args.lan) else "127.0.0.1")
    return _serve(app, host, args.port, lang)


def _lan_mode(app, made, asked: bool) -> bool:
    """Whether to serve the LAN (asked with --lan, or turned on in the admin area); if so, the PC's name
    passes the Host check too."""
    lan = asked or bool(made.store.settings.get()["lan_mode"])
    if lan:
        app.config["ALLOWED_HOSTS"] = (*app.config.get("ALLOWED_HOSTS", ()), socket.gethostname())
    return lan


def _review_page(app, approvals, bundle: Path, lang) -> str:
    """Hold a course file opened from Windows Explorer for the install review (today's approval rules apply);
    the review page's path, or "" (the start page) when the file is not a course, after saying why."""
    from flask import url_for

    from player.desktop import tell
    from player.library.bundles import InstallError
    from player.web.errors import os_problem

    try:
        with bundle.open("rb") as upload:
            waiting = approvals.hold(upload)
    except InstallError as error:
        tell(f"{bundle.name}: {error.problem.about(file=bundle.name).text(lang.gettext)}")
        return ""
    except OSError as error:
        tell(f"{bundle.name}: {os_problem(error).text(lang.gettext)}")
        return ""
    with app.test_request_context():
        return url_for("library.review", waiting_id=waiting.id).lstrip("/")


def _changes_the_folder(command: str, args) -> bool:
    """Serving, installing, trusting, syncing or importing learners need the data folder to themselves;
    reading does not."""
    if command == "trust":
        return args.trust_command != "list"
    if command == learner_commands.NAME:
        return learner_commands.changes_the_folder(args)
    return command not in ("list", "export")


def _already_running(command: str, url: str | None, paths, args) -> int:
    """Another player holds the data folder: say so; the desktop launcher sends the person to it."""
    from player.store.databases import Databases
    from player.store.settings import SettingsStore
    from player.web.i18n import Language

    lang = Language(SettingsStore(paths.settings, Databases()).get()["language"])
    if command == "open" and url:
        import webbrowser

        from player.desktop import bring_forward

        print(lang.gettext("Trạm Học is already open on this computer: %(url)s", url=url), file=sys.stderr)
        if not bring_forward():  # its window, when it has one; else the browser
            webbrowser.open(url)
        if getattr(args, "bundle", None):
            from player.desktop import tell

            tell(lang.gettext("Trạm Học is already open: to install %(file)s, choose it in the admin area "
                              "(Courses, Install a course).", file=args.bundle.name))
        return 0
    message = lang.gettext("Trạm Học is already running with this data folder. Close it first (or use the open "
                           "player%(where)s).", where=f": {url}" if url else "")
    if command == "open":
        from player.desktop import tell

        tell(message)  # a message box on Windows, where the launcher has no console
    else:
        print(message, file=sys.stderr)
    return 1


def _install(library, bundle: Path, force: bool, allow_unverified: bool, lang) -> int:
    from player.library.bundles import InstallError, OlderVersion, UnverifiedBundle
    from player.web.errors import os_problem

    try:
        course = library.install(bundle, force=force, allow_unverified=allow_unverified)
    except InstallError as error:
        print(f"{bundle}: {error.problem.about(file=bundle.name).text(lang.gettext)}", file=sys.stderr)
        if isinstance(error, UnverifiedBundle):
            print(lang.gettext("Trust its publisher first (python -m player trust add PUBLISHER.pub), or, if you "
                               "are sure where it came from, install it with --allow-unverified."), file=sys.stderr)
        elif isinstance(error, OlderVersion):
            print(lang.gettext("To install the older version anyway, add --force."), file=sys.stderr)
        if error.problem.detail:
            print(f"  ({error.problem.detail})", file=sys.stderr)
        return 1
    except OSError as error:
        problem = os_problem(error)
        print(f"{bundle}: {problem.text(lang.gettext)} ({problem.detail})", file=sys.stderr)
        return 1
    origin = library.provenance(course.id)
    label = (lang.gettext("verified publisher: %(publisher)s", publisher=origin.publisher) if origin.verified
             else lang.gettext("UNVERIFIED"))
    print(lang.gettext("installed %(id)s %(version)s: %(title)s (%(label)s)", id=course.id, version=course.version,
                       title=course.title, label=label))
    return 0


def _serve(app, host: str, port: int, lang, any_port_if_busy: bool = False, on_ready=None) -> int:
    """Serve until interrupted; `on_ready(url)` is called once the server listens."""
    from player.web.server import Server

    try:
        try:
            server = Server(app, host=host, port=port)
        except OSError:
            if not any_port_if_busy:
                raise
            server = Server(app, host=host, port=0)
    except OSError as error:
        print(lang.gettext("Cannot listen on %(host)s:%(port)s: %(reason)s", host=host, port=port,
                           reason=error.strerror or error), file=sys.stderr)
        return 1
    if host not in LOOPBACK_HOSTS:
        names = ", ".join(app.config["ALLOWED_HOSTS"]) or lang.gettext(
            "its IP address only (add names with --allow-host)")
        print(lang.gettext("LAN mode: other computers can reach this player at port %(port)s, by %(names)s.",
                           port=server.port, names=names), file=sys.stderr)
    app.config["FOLDER_LOCK"].announce(f"http://127.0.0.1:{server.port}/")
    print(lang.gettext("Trạm Học is running at %(url)s (press Ctrl+C to stop)", url=server.url), flush=True)
    if on_ready:
        on_ready(server.url)
    server.run()
    return 0
