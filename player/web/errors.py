"""Error pages: every error a learner or admin can meet is a page of the player, in the UI language."""

from flask import Flask, current_app, render_template
from flask_babel import gettext

from courses import BundleError


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(BundleError, _damaged_bundle)


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    return render_template("error.html", code=code), code


def _damaged_bundle(error: BundleError):
    current_app.logger.error("damaged bundle: %s", error)
    message = gettext("This course file was changed or damaged after it was installed. Install it again.")
    return render_template("error.html", code=500, message=message), 500
