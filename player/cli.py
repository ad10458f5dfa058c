"""Command line: `python -m player [open|serve|install|list|export|report|sync]`. Parses arguments and
calls one function."""

import argparse
import sys
from pathlib import Path

from player import __version__
from player.results import commands as results_commands

DEFAULT_PORT = 8765


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m player", description="Trạm Học course player.")
    parser.add_argument("--version", action="version", version=f"tramhoc-player {__version__}")
    parser.add_argument("--data", metavar="DIR", help="data folder (default: $TRAMHOC_HOME or per-user folder)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("open", help="open the player window (the default; serves in a browser without a display)")
    serve = commands.add_parser("serve", help="serve the player for a web browser")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, this PC only)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8765; 0 picks a free one)")
    install = commands.add_parser("install", help="verify a course bundle and add it to the library")
    install.add_argument("bundle", type=Path)
    install.add_argument("--force", action="store_true", help="allow replacing a newer installed version")
    commands.add_parser("list", help="list installed courses")
    results_commands.add_parsers(commands)
    args = parser.parse_args(argv)
    if args.command in results_commands.NAMES:
        return results_commands.run(args)

    from player.app import create_app  # after parsing, so --help stays instant

    app = create_app(args.data)
    command = args.command or "open"
    if command == "install":
        return _install(app, args.bundle, args.force)
    if command == "list":
        for course in app.extensions["tramhoc_library"].courses():
            print(f"{course.id}\t{course.version}\t{course.title}")
        return 0
    if command == "open":
        from player.desktop import NoWindowEngine, run_window

        try:
            run_window(app, app.config["DATA_DIR"])
            return 0
        except NoWindowEngine as reason:
            print(f"No desktop window ({reason}); serving for a web browser instead.", file=sys.stderr)
        return _serve(app, "127.0.0.1", DEFAULT_PORT, any_port_if_busy=True)
    return _serve(app, args.host, args.port)


def _install(app, bundle: Path, force: bool) -> int:
    from player.library import InstallError

    try:
        course = app.extensions["tramhoc_library"].install(bundle, force=force)
    except (InstallError, OSError) as error:
        print(f"{bundle}: {error}", file=sys.stderr)
        return 1
    print(f"installed {course.id} {course.version}: {course.title}")
    return 0


def _serve(app, host: str, port: int, any_port_if_busy: bool = False) -> int:
    from player.server import Server

    try:
        try:
            server = Server(app, host=host, port=port)
        except OSError:
            if not any_port_if_busy:
                raise
            server = Server(app, host=host, port=0)
    except OSError as error:
        print(f"cannot listen on {host}:{port}: {error}", file=sys.stderr)
        return 1
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"LAN mode: other computers can reach this player at port {server.port}.", file=sys.stderr)
    print(f"Trạm Học is running at {server.url} (press Ctrl+C to stop)", flush=True)
    server.run()
    return 0
