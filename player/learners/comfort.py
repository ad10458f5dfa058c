"""Reading comfort, chosen by each learner and kept in their profile: the text size (three steps) and high
contrast. Pages apply it as classes on <html> (see style.css), never as inline style."""

from flask import Blueprint, Flask, redirect, request

from player.learners.sessions import current_learner, learner_required
from player.web.security import safe_next
from player.web.services import services

TEXT_SIZES = ("normal", "large", "larger")
comfort_bp = Blueprint("comfort", __name__, url_prefix="/learners")


def init_app(app: Flask) -> None:
    app.register_blueprint(comfort_bp)
    app.jinja_env.globals.update(reading_comfort=reading_comfort, page_classes=page_classes, text_sizes=TEXT_SIZES)


def reading_comfort(profile: dict | None) -> dict:
    """A profile's choices, the defaults filled in: {"text_size": one of TEXT_SIZES, "high_contrast": bool}."""
    profile = profile or {}
    size = profile.get("text_size")
    return {"text_size": size if size in TEXT_SIZES else TEXT_SIZES[0],
            "high_contrast": profile.get("high_contrast") is True}


def page_classes(profile: dict | None) -> str:
    """The classes of <html> for a learner's choices ("" for the defaults)."""
    chosen = reading_comfort(profile)
    classes = [] if chosen["text_size"] == TEXT_SIZES[0] else [f"text-{chosen['text_size']}"]
    return " ".join(classes + (["high-contrast"] if chosen["high_contrast"] else []))


@comfort_bp.post("/comfort")
@learner_required
def choose():
    """Keep a text size (`text_size`) or switch high contrast (`high_contrast=on|off`), then go back."""
    changes = {}
    if request.form.get("text_size") in TEXT_SIZES:
        changes["text_size"] = request.form["text_size"]
    if request.form.get("high_contrast") in ("on", "off"):
        changes["high_contrast"] = request.form["high_contrast"] == "on"
    if changes:
        services().store.learners.update_profile(current_learner()["id"], **changes)
    return redirect(safe_next(request.form.get("next")), code=303)
