"""Certificate pages for the signed-in learner: printable HTML (the browser's or the desktop window's print
dialog) and a PDF to save."""

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from player.certificates.certificate import Certificate, certificate_for, render_pdf
from player.certificates.wording import certificate_text
from player.learners import sessions
from player.learners.sessions import learner_required
from player.progress import recorder
from player.progress.summary import rule_met
from player.web.services import services

certificates_bp = Blueprint("certificates", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(certificates_bp)


@certificates_bp.get("/courses/<course_id>/certificate")
@learner_required
def show(course_id: str):
    """The signed-in learner's certificate for a course they completed."""
    certificate = _certificate(sessions.current_learner(), course_id)
    return render_template("certificates/certificate.html", certificate=certificate, text=certificate_text(certificate))


@certificates_bp.get("/courses/<course_id>/certificate.pdf")
@learner_required
def pdf(course_id: str):
    return _pdf_response(_certificate(sessions.current_learner(), course_id))


def _certificate(learner: dict | None, course_id: str) -> Certificate:
    course = services().library.course(course_id)
    if learner is None or course is None:
        abort(404)
    progress = recorder.progress_of(learner["id"]).get(course_id)
    if progress is None or progress.completed_at is None or not rule_met(course, progress):
        abort(404)
    centre = services().store.settings.get()["centre_name"]
    return certificate_for(current_app.config["SECRET_KEY"], learner, course, progress, centre)


def _pdf_response(certificate: Certificate) -> Response:
    response = Response(render_pdf(certificate, certificate_text(certificate)), mimetype="application/pdf")
    disposition = "attachment" if request.args.get("save") else "inline"  # "Save as PDF" asks for a file
    response.headers["Content-Disposition"] = f'{disposition}; filename="certificate-{certificate.course_id}.pdf"'
    response.cache_control.no_store = True
    return response

