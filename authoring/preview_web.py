"""What the preview adds to the player's pages: the preview learner signed in on every request, a small
script that reloads the page after each build (served from the player's own origin, so the player's
Content-Security-Policy allows it), and the latest build's problems at the top of every page as
`path:line: message`, each path:line a link that opens the file in the author's editor.

The script waits on WAIT_PATH, answered below Flask (a WSGI wrapper): a request held open for many
seconds must not hold a Flask session either, or its late reply could overwrite the session cookie (and
its CSRF token) that a page request set in the meantime.
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, quote

from flask import Blueprint, Flask, g, render_template, request

from player.learners import sessions
from player.web.security import host_is_allowed
from player.web.services import services

WAIT_PATH = "/_preview/wait"
WAIT_SECONDS = 25.0


def init_app(app: Flask, preview) -> None:
    blueprint = Blueprint("preview", __name__, url_prefix="/_preview", template_folder="templates",
                          static_folder="static/preview", static_url_path="/static")
    app.register_blueprint(blueprint)

    @app.before_request
    def sign_in_the_preview_learner():
        g.preview_generation = preview.report.generation  # a build finishing while this page renders reloads it
        if not (request.endpoint or "").endswith("static") and sessions.current_learner() is None:
            sessions.sign_in(services().store.learners.profile(preview.learner_id))

    @app.after_request
    def add_the_preview(response):
        if response.mimetype != "text/html" or response.direct_passthrough or response.status_code == 304:
            return response
        page = response.get_data(as_text=True)
        head = render_template("preview/_head.html", wait=WAIT_PATH, run=preview.run_id,
                               generation=g.get("preview_generation", 0))
        page = page.replace("</head>", head + "</head>", 1)
        report = preview.report
        if report.problems:
            panel = render_template("preview/_problems.html", problems=[_shown(problem, preview.editor_url)
                                                                        for problem in report.problems],
                                    course_shown=report.course_id is not None)
            page = page.replace('<main id="main">', '<main id="main">' + panel, 1)
        response.set_data(page)
        return response

    app.wsgi_app = _Waits(app.wsgi_app, preview, tuple(app.config["ALLOWED_HOSTS"]))


def _shown(problem, editor_url: str) -> dict:
    """A problem as the panel shows it: where (path:line), its link in the editor, and the message."""
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    path = Path(problem.path)
    absolute = (path if path.is_absolute() else Path.cwd() / path).resolve().as_posix()
    href = editor_url.format(path=quote(absolute, safe="/:"), line=problem.line or 1) if editor_url else ""
    return {"where": where, "href": href, "message": problem.message}


class _Waits:
    """Answers WAIT_PATH?since=N&run=R with {"generation", "run"} once the generation is past N (or
    after WAIT_SECONDS); everything else goes on to the player."""

    def __init__(self, app, preview, allowed_hosts: tuple[str, ...]):
        self.app, self.preview, self.allowed_hosts = app, preview, allowed_hosts

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != WAIT_PATH:
            return self.app(environ, start_response)
        if not host_is_allowed(environ.get("HTTP_HOST", ""), self.allowed_hosts):
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"unknown host"]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        if query.get("run", [""])[0] != self.preview.run_id:
            since = -1  # a page of an earlier preview run: reload it now
        generation = self.preview.wait(since, WAIT_SECONDS)
        if self.preview.closed:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
            return [b"the preview has stopped"]  # the page tries again, more and more slowly
        body = json.dumps({"generation": generation, "run": self.preview.run_id}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [body]
