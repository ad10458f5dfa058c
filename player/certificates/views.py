"""Certificate pages: printable HTML and a PDF for the signed-in learner, and the same behind a
short-lived signed link that the system browser can open (webviews often cannot print)."""

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from player.certificates.certificate import Certificate, certificate_for, render_pdf
from player.certificates.wording import certificate_text
from player.learners import sessions
from player.learners.sessions import learner_required
from player.progress import recorder
from player.progress.summary import rule_met
from player.web.services import services

certificates_bp = Blueprint("certificates", __name__)
LINK_SECONDS = 3600


def init_app(app: Flask) -> None:
    app.register_blueprint(certificates_bp)


@certificates_bp.get("/courses/<course_id>/certificate")
@learner_required
def show(course_id: str):
    """The signed-in learner's certificate for a course they completed."""
    certificate = _certificate(sessions.current_learner(), course_id)
    token = _signer().dumps([certificate.learner_id, course_id])
    return render_template("certificates/certificate.html", certificate=certificate, text=certificate_text(certificate),
                           pdf_url=url_for(".shared_pdf", token=token, save=1),
                           browser_url=url_for(".shared", token=token))


@certificates_bp.get("/courses/<course_id>/certificate.pdf")
@learner_required
def pdf(course_id: str):
    return _pdf_response(_certificate(sessions.current_learner(), course_id))


@certificates_bp.get("/certificates/<token>")
def shared(token: str):
    """The certificate for the system browser (no session there), for an hour."""
    certificate = _certificate(*_from_token(token))
    return render_template("certificates/certificate.html", certificate=certificate, text=certificate_text(certificate),
                           pdf_url=url_for(".shared_pdf", token=token, save=1), browser_url=None)


@certificates_bp.get("/certificates/<token>.pdf")
def shared_pdf(token: str):
    return _pdf_response(_certificate(*_from_token(token)))


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


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="tramhoc certificate link")


def _from_token(token: str) -> tuple[dict | None, str]:
    try:
        learner_id, course_id = _signer().loads(token, max_age=LINK_SECONDS)
    except (BadSignature, ValueError, TypeError):
        abort(404)
    return services().store.learners.profile(learner_id), course_id
