"""Practice routes: the scenario card, each step's screen, checking a step, going back, starting again.

Every step is checked here, on the player's side; the page gets no expected value until the learner has
earned it (a field already right, or the answer shown after the third mistake). Each check is answered with
a redirect to the step's page, so reloading never checks twice.
"""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from courses import Course, Lesson
from courses.practice import Practice, practice_placeholder
from player.learners import sessions
from player.learners.sessions import learner_required
from player.practice import catalogue, checking, runs
from player.practice.recording import finished_practices, record_check, total_hints
from player.web.i18n import N_
from player.web.sanitise import clean_bundle_html
from player.web.services import services

KIND_NAMES = {"procedure": N_("Online procedure"), "signing": N_("Digital signing"),
              "messages": N_("Messages and calls")}
SCREEN_NAMES = {"procedure": N_("Public service portal (practice)"), "signing": N_("Signing tool (practice)"),
                "messages": N_("Phone (practice)")}
practice_bp = Blueprint("practice", __name__, url_prefix="/courses")


def init_app(app: Flask) -> None:
    app.register_blueprint(practice_bp)
    app.jinja_env.globals.update(practice_parts=lesson_parts, practice_field=checking.field_name,
                                 practice_hint=checking.hint, practice_answer=checking.shown_value,
                                 practice_input_limit=checking.MAX_INPUT,
                                 practice_kind_name=lambda kind: gettext(KIND_NAMES[kind]),
                                 practice_screen_name=lambda kind: gettext(SCREEN_NAMES[kind]))


def lesson_parts(html: str, course: Course, lesson: Lesson) -> list:
    """A piece of the lesson's cleaned HTML cut where its practices stand (the builder's placeholders, as the
    sanitiser leaves them), with each practice in its place as (practice, finished by the signed-in learner)."""
    markers = [(practice, clean_bundle_html(practice_placeholder(practice.id)))
               for practice in catalogue.lesson_practices(course.id, lesson.id)]
    found = [(practice, marker) for practice, marker in markers if marker in html]
    if not found:
        return [html]
    finished = finished_practices(sessions.current_learner()["id"], course.id)
    parts, rest = [], html
    for practice, marker in found:
        before, _, rest = rest.partition(marker)
        parts += [before, (practice, (lesson.id, practice.id) in finished)]
    return parts + [rest]


def _find(course_id: str, lesson_id: str, practice_id: str) -> tuple[Course, Lesson, Practice]:
    course = services().library.course(course_id)
    lesson = course.lesson(lesson_id) if course else None
    practice = catalogue.practice(course_id, lesson_id, practice_id) if lesson else None
    if practice is None:
        abort(404)
    return course, lesson, practice


def _page(course_id: str, lesson_id: str, practice_id: str):
    return redirect(url_for(".show", course_id=course_id, lesson_id=lesson_id, practice_id=practice_id), code=303)


@practice_bp.get("/<course_id>/lessons/<lesson_id>/practice/<practice_id>")
@learner_required
def show(course_id: str, lesson_id: str, practice_id: str):
    """The scenario card (before starting and after finishing), or the screen of the current step."""
    course, lesson, practice = _find(course_id, lesson_id, practice_id)
    learner_id = sessions.current_learner()["id"]
    run = runs.current_run(runs.run_key(course_id, lesson_id, practice_id), learner_id)
    path = practice.path()
    step = path[run.position] if run is not None and run.position < len(path) else None
    finished = (lesson_id, practice_id) in finished_practices(learner_id, course_id) if step is None else False
    return render_template("practice/practice.html", course=course, lesson=lesson, practice=practice, run=run,
                           step=step, number=(run.position + 1) if step else 0, steps=len(path), finished=finished)


@practice_bp.post("/<course_id>/lessons/<lesson_id>/practice/<practice_id>/start")
@learner_required
def start(course_id: str, lesson_id: str, practice_id: str):
    """Begin the practice from its first step (again, if the learner had begun it)."""
    _find(course_id, lesson_id, practice_id)
    runs.start_run(runs.run_key(course_id, lesson_id, practice_id), sessions.current_learner()["id"])
    return _page(course_id, lesson_id, practice_id)


@practice_bp.post("/<course_id>/lessons/<lesson_id>/practice/<practice_id>/check")
@learner_required
def check(course_id: str, lesson_id: str, practice_id: str):
    """Check the current step's fields; right: on to the next step (or the end), wrong: hints grow."""
    course, lesson, practice = _find(course_id, lesson_id, practice_id)
    learner = sessions.current_learner()
    key = runs.run_key(course_id, lesson_id, practice_id)
    run = runs.current_run(key, learner["id"])
    path = practice.path()
    if run is None or run.position >= len(path) or request.form.get("step") != path[run.position].id:
        flash(gettext("This screen was out of date; here is where you are now."), "info")
        return _page(course_id, lesson_id, practice_id)
    step = path[run.position]
    found = checking.check_step(step, request.form)
    if found.personal:
        flash(gettext("Don't enter your real ID number here: this is only a practice. Use the numbers on the "
                      "scenario card."), "error")
        return _page(course_id, lesson_id, practice_id)
    for field in step.fields:
        name = f"{step.id}/{field.id}"
        if field.id in found.right:
            run.right.add(name)
        else:
            run.right.discard(name)
            run.misses[name] = run.misses.get(name, 0) + 1
    passed = found.passed(step)
    if passed:
        run.position += 1
    else:
        run.wrong_checks[step.id] = run.wrong_checks.get(step.id, 0) + 1
    record_check(course, lesson, practice, step, run, passed, learner)
    finished = passed and run.position >= len(path)
    runs.save_run(key, learner["id"], None if finished else run)
    if passed and step.explanation:
        flash(step.explanation, "success")
    if finished:
        flash(gettext("You finished this practice. Mistakes: %(mistakes)d, hints: %(hints)d.",
                      mistakes=sum(run.wrong_checks.values()), hints=total_hints(run, practice)), "success")
    elif not passed:
        flash(gettext("Not quite: look at the hints under the boxes marked in red."), "error")
    return _page(course_id, lesson_id, practice_id)


@practice_bp.post("/<course_id>/lessons/<lesson_id>/practice/<practice_id>/back")
@learner_required
def back(course_id: str, lesson_id: str, practice_id: str):
    """Go back one screen, as on a real portal; what was right there stays right."""
    _find(course_id, lesson_id, practice_id)
    learner_id = sessions.current_learner()["id"]
    key = runs.run_key(course_id, lesson_id, practice_id)
    run = runs.current_run(key, learner_id)
    if run is not None and run.position > 0:
        run.position -= 1
        runs.save_run(key, learner_id, run)
    return _page(course_id, lesson_id, practice_id)
