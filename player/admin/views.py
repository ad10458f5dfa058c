"""The admin area, behind an admin PIN set on first use: learners and their progress, resetting a code,
granting another attempt at a test, deleting a learner, removing a course, centre settings, damaged files,
checking a certificate code."""

import re
import unicodedata

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from player.admin import access, roster
from player.admin.access import admin_required
from player.admin.nav import admin_menu
from player.certificates.certificate import certificate_for, normalise_code
from player.certificates.wording import certificate_date
from player.learners import credentials, profiles
from player.learners.pictures import PICTURES, picture_labels
from player.learners.profiles import ProfileError, profile_or_404
from player.library.cards import course_cards, shown_courses
from player.progress import recorder
from player.progress.summary import percent
from player.quizzes import standings
from player.web.i18n import language_names
from player.web.services import services

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN_PIN = re.compile(r"^[0-9]{6,12}$")
PAGE_SIZE = 50
MAX_CENTRE_NAME = 80


def init_app(app: Flask) -> None:
    access.init_app(app)
    app.register_blueprint(admin_bp)
    app.add_template_global(admin_menu)


@admin_bp.get("/")
def index():
    """First run: set the admin PIN; then sign in; then the overview: counts and what needs the admin."""
    settings = services().store.settings.get()
    if not settings["admin_pin"]:
        return render_template("admin/pin.html", first_run=True)
    if not access.is_admin():
        return render_template("admin/pin.html", first_run=False)
    cards = course_cards("library/_title.html")
    return render_template("admin/index.html", settings=settings, learners=len(services().store.learners.learners()),
                           courses=sum(1 for card in cards if card.html is not None),
                           damaged_courses=[card.course_id for card in cards if card.html is None],
                           damaged=services().store.damaged_files(), waiting=services().approvals.listed(),
                           run=services().sync.current())


@admin_bp.get("/learners")
@admin_required
def learners():
    """Every learner, a page at a time, with one summary of their courses; checking a certificate."""
    page = max(1, request.args.get("page", 1, type=int))
    everyone = services().store.learners.learners()
    courses = shown_courses()
    rows = roster.learner_summaries(everyone[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], courses)
    return render_template("admin/learners.html", rows=rows, courses=len(courses), page=page,
                           pages=max(1, -(-len(everyone) // PAGE_SIZE)))


@admin_bp.get("/courses")
@admin_required
def courses():
    """The installed courses (how many learners began and finished each), installing one, and the course
    files waiting for approval."""
    counts = roster.course_counts(shown_courses(), services().store.learners.learners())
    return render_template("admin/courses.html", cards=course_cards("admin/_course.html", counts=counts),
                           waiting=services().approvals.listed())


@admin_bp.get("/courses/<course_id>")
@admin_required
def course(course_id: str):
    """One course: every learner who began it, with the share done and when they finished."""
    found = next((course for course in shown_courses() if course.id == course_id), None)
    if found is None:
        abort(404)
    everyone = services().store.learners.learners()
    rows = roster.course_rows(found, everyone)
    return render_template("admin/course.html", course=found, rows=rows, not_started=len(everyone) - len(rows))


@admin_bp.get("/settings")
@admin_required
def settings():
    """The centre's settings, the admin PIN and the data folder."""
    return render_template("admin/settings.html", settings=services().store.settings.get(),
                           languages=language_names(), data_dir=services().paths.root)


@admin_bp.post("/pin")
def set_pin():
    """Set the admin PIN: on first run anyone at the PC may; later only a signed-in admin."""
    first_run = not services().store.settings.get()["admin_pin"]
    if not first_run and not access.is_admin():
        abort(403)
    pin, again = request.form.get("pin", "").strip(), request.form.get("pin2", "").strip()
    if not ADMIN_PIN.match(pin):
        flash(gettext("The admin PIN is 6 to 12 digits."), "error")
    elif pin != again:
        flash(gettext("The two PINs are not the same. Type them again."), "error")
    else:
        # A new PIN ends every admin session there was (a new session id), then signs this one in.
        services().store.settings.update(admin_pin=credentials.hash_secret("admin", pin), admin_failures=0,
                                         admin_locked_until=0.0, admin_session=access.new_admin_session())
        access.admin_sign_in()
        flash(gettext("The admin PIN is set. Keep it secret."), "success")
    return redirect(url_for(".index" if first_run else ".settings"), code=303)


@admin_bp.post("/sign-in")
def sign_in():
    attempt = access.try_admin_pin(request.form.get("pin", ""))
    if attempt.ok:
        access.admin_sign_in()
        return redirect(url_for(".index"), code=303)
    status = credentials.refused(attempt)  # before the page is made, so that it says why
    return render_template("admin/pin.html", first_run=False), status


@admin_bp.post("/sign-out")
@admin_required
def sign_out():
    access.admin_sign_out()
    return redirect(url_for("library.index"), code=303)


@admin_bp.post("/settings")
@admin_required
def save_settings():
    """Centre name, sign-out timeout (minutes) and the default language."""
    form = request.form
    name, problems = _centre_name(form)
    minutes = form.get("signout_minutes", type=int)
    language = form.get("language", "")
    if minutes is None or not 1 <= minutes <= 240:
        problems.append(gettext("The sign-out time is 1 to 240 minutes."))
    if language not in current_app.config["LOCALES"]:
        problems.append(gettext("Choose a language from the list."))
    for problem in problems:
        flash(problem, "error")
    if not problems:
        services().store.settings.update(centre_name=name, signout_minutes=minutes, language=language)
        flash(gettext("Settings saved."), "success")
    return redirect(url_for(".settings"), code=303)


@admin_bp.post("/centre-name")
@admin_required
def centre_name():
    """The centre's name alone: what the admin area asks first while it has none (it goes on certificates)."""
    name, problems = _centre_name(request.form)
    if not name and not problems:
        problems.append(gettext("Type the centre's name."))
    for problem in problems:
        flash(problem, "error")
    if not problems:
        services().store.settings.update(centre_name=name)
        flash(gettext("Settings saved."), "success")
    return redirect(url_for(".index"), code=303)


def _centre_name(form) -> tuple[str, list[str]]:
    """The centre name typed (NFC, spaces collapsed) and what is wrong with it."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", form.get("centre_name", ""))).strip()
    if len(name) > MAX_CENTRE_NAME:
        return name, [gettext("The centre name is too long (at most %(num)d letters).", num=MAX_CENTRE_NAME)]
    return name, []


@admin_bp.get("/learners/<learner_id>")
@admin_required
def learner(learner_id: str):
    """One learner's progress in every course, and what can be done about their profile."""
    profile = profile_or_404(learner_id)
    progress = recorder.progress_of(learner_id)
    courses = [(course, progress.get(course.id), percent(course, progress.get(course.id)))
               for course in shown_courses()]
    kind = profile.get("secret_kind") or "none"  # the reset form starts at what the learner has now
    return render_template("admin/learner.html", person=profile, courses=courses, form={"kind": kind},
                           pictures=PICTURES, labels=picture_labels(),
                           statements=services().store.learners.count(learner_id),
                           tests=standings.test_standings(profile, services().library.courses()))


@admin_bp.post("/learners/<learner_id>/attempts")
@admin_required
def grant_attempt(learner_id: str):
    """Let a learner who used every attempt at a test try it once more."""
    profile = profile_or_404(learner_id)
    course = services().library.course(request.form.get("course", ""))
    standing = next((test for test in standings.test_standings(profile, [course] if course else [])
                     if test.lesson.id == request.form.get("lesson")), None)
    if standing is None:
        abort(404)
    standings.grant_attempt(profile, course.id, standing.lesson.id)
    flash(gettext("%(name)s may now try “%(test)s” once more.", name=profile["name"], test=standing.lesson.title),
          "success")
    return redirect(url_for(".learner", learner_id=learner_id), code=303)


@admin_bp.post("/learners/<learner_id>/secret")
@admin_required
def reset_secret(learner_id: str):
    """Give a learner a new PIN or picture code, or none (they forgot theirs)."""
    profile = profile_or_404(learner_id)
    try:
        kind, secret = profiles.read_secret(request.form)
    except ProfileError as error:
        flash(str(error), "error")
        return redirect(url_for(".learner", learner_id=learner_id), code=303)
    services().store.learners.update_profile(learner_id, **profiles.secret_fields(kind, secret))
    flash(gettext("The code of %(name)s was changed.", name=profile["name"]), "success")
    return redirect(url_for(".learner", learner_id=learner_id), code=303)


@admin_bp.route("/learners/<learner_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_learner(learner_id: str):
    """Delete a learner and all their records, after a confirmation page."""
    profile = profile_or_404(learner_id)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        recorder.learner_left(learner_id)
        services().store.learners.delete(learner_id)
        services().progress.forget(learner_id)
        flash(gettext("%(name)s and all their records were deleted.", name=profile["name"]), "success")
        return redirect(url_for(".learners"), code=303)
    return render_template("admin/confirm.html",
                           question=gettext("Delete %(name)s and all their progress? This cannot be undone.",
                                            name=profile["name"]),
                           action=url_for(".delete_learner", learner_id=learner_id),
                           button=gettext("Yes, delete"), back=url_for(".learner", learner_id=learner_id))


@admin_bp.route("/courses/<course_id>/remove", methods=["GET", "POST"])
@admin_required
def remove_course(course_id: str):
    """Remove an installed course (learners' records of it are kept), after a confirmation page; a damaged
    one is named by its id."""
    library = services().library
    if library.course(course_id) is None and course_id not in library.damaged():
        abort(404)
    title = next((course.title for course in shown_courses() if course.id == course_id), course_id)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        library.remove(course_id)
        flash(gettext("The course “%(title)s” was removed.", title=title), "success")
        return redirect(url_for(".courses"), code=303)
    return render_template("admin/confirm.html",
                           question=gettext("Remove the course “%(title)s” from this computer? Learners' "
                                            "records are kept; install the course again to use it.",
                                            title=title),
                           action=url_for(".remove_course", course_id=course_id),
                           button=gettext("Yes, remove"), back=url_for(".courses"))


@admin_bp.post("/certificates/check")
@admin_required
def check_certificate():
    """Find the certificate a verification code belongs to."""
    code = normalise_code(request.form.get("code", ""))
    secret, centre = current_app.config["SECRET_KEY"], services().store.settings.get()["centre_name"]
    courses = {course.id: course for course in services().library.courses()}
    for row in services().store.learners.learners():
        for course_id, progress in recorder.progress_of(row["id"]).items():
            course = courses.get(course_id)
            if course is None or progress.completed_at is None:
                continue
            certificate = certificate_for(secret, row, course, progress, centre)
            if certificate.code == code:
                flash(gettext("Valid: %(name)s completed “%(title)s” on %(date)s.", name=row["name"],
                              title=course.title, date=certificate_date(certificate.completed_on)), "success")
                return redirect(url_for(".learners"), code=303)
    flash(gettext("No certificate of this computer has this code."), "error")
    return redirect(url_for(".learners"), code=303)
