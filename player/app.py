"""The Flask application factory: everything the player does, for the window, a browser and tests."""

from pathlib import Path

from flask import Flask, current_app, render_template
from flask_babel import gettext

from courses import BundleError
from courses.keys import format_fingerprint
from player import i18n, quiz_records, records, security, sessions, store, web_results
from player.results import source as statement_source
from player.datadir import resolve_data_dir, secret_key
from player.library import EXTENSION_KEY, Library, provenance
from player.pending_installs import EXTENSION_KEY as PENDING_KEY
from player.pending_installs import PendingInstalls
from player.trust import FILE_NAME as TRUST_FILE
from player.trust import TrustStore
from player.web_admin import admin_bp
from player.web_certificates import certificates_bp
from player.web_courses import courses_bp
from player.web_installs import installs_bp
from player.web_learners import learners_bp
from player.web_library import library_bp
from player.web_progress import progress_bp
from player.web_quizzes import quizzes_bp

MAX_UPLOAD_BYTES = 2 * 1024**3
TRUST_KEY = "tramhoc_trust"


def create_app(data_dir: str | Path | None = None, test_config: dict | None = None) -> Flask:
    """Create the player app over a data folder (see player.datadir for the default)."""
    app = Flask(__name__)
    data = resolve_data_dir(data_dir)
    app.config.update(
        DATA_DIR=data,
        SECRET_KEY=secret_key(data),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_SAMESITE="Strict",
    )
    if test_config:
        app.config.update(test_config)
    trust = TrustStore(data / TRUST_FILE)
    app.extensions[TRUST_KEY] = trust
    app.extensions[EXTENSION_KEY] = Library(data / "library", trust)
    app.extensions[PENDING_KEY] = PendingInstalls(app.extensions[EXTENSION_KEY], app.config["SECRET_KEY"])
    app.jinja_env.globals["provenance"] = provenance
    app.jinja_env.filters["fingerprint"] = format_fingerprint
    store.init_app(app)
    statement_source.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    records.init_app(app)
    quiz_records.init_app(app)
    web_results.init_app(app)
    for blueprint in (library_bp, installs_bp, courses_bp, learners_bp, progress_bp, quizzes_bp, certificates_bp,
                      admin_bp):
        app.register_blueprint(blueprint)
    for code in (400, 403, 404, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(BundleError, _damaged_bundle)
    return app


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    return render_template("error.html", code=code), code


def _damaged_bundle(error: BundleError):
    current_app.logger.error("damaged bundle: %s", error)
    message = gettext("This course file was changed or damaged after it was installed. Install it again.")
    return render_template("error.html", code=500, message=message), 500
