"""Quiz routes: submitting an attempt, the results page of a test, answering a self-check again.

A test (a lesson with quiz settings) is submitted once as a whole, after a summary of what is answered and a
confirmation, and graded on a results page; its answers are saved as a draft while the learner works. Self-check
questions are graded when the learner presses Check (only those answered), and the result replaces the
question in the lesson (see player.quizzes.page). A form no quiz page could have sent gets a clear 400 page.
"""

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from courses import Course, Lesson
from courses.model import is_valid_id
from courses.quiz import Quiz
from player.learners import sessions
from player.learners.sessions import learner_required
from player.quizzes import attempts, catalogue, drafts
from player.quizzes import submit as submitting
from player.quizzes.attempts import is_attempt_id
from player.quizzes.form import FormProblem, field_name, max_length, read_answers
from player.quizzes.recorded import recorded
from player.quizzes.review import review
from player.quizzes.summary import attempt_summary, untouched
from player.quizzes.standings import allowed_attempts, used_attempts
from player.quizzes.submit import AlreadySubmitted, NoAttemptsLeft
from player.web.sanitise import clean_bundle_html
from player.web.services import services

quizzes_bp = Blueprint("quizzes", __name__, url_prefix="/courses")


def init_app(app: Flask) -> None:
    app.register_blueprint(quizzes_bp)
    app.jinja_env.filters["bundle_html"] = clean_bundle_html
    app.jinja_env.globals.update(quiz_field=field_name, answer_limit=max_length)


def _lesson(course_id: str, lesson_id: str) -> tuple[Course, Lesson, Quiz]:
    try:
        course = services().library.bundle(course_id).course
    except KeyError:
        abort(404)
    lesson = course.lesson(lesson_id)
    quiz = catalogue.lesson_quiz(course_id, lesson_id) if lesson else None
    if quiz is None:
        abort(404)
    return course, lesson, quiz


@quizzes_bp.post("/<course_id>/lessons/<lesson_id>/quiz")
@learner_required
def submit(course_id: str, lesson_id: str):
    """Grade and record the attempt the form belongs to, once; then show its result."""
    course, lesson, quiz = _lesson(course_id, lesson_id)
    learner = sessions.current_learner()
    lesson_url = url_for("lessons.lesson", course_id=course_id, lesson_id=lesson_id)
    attempt = _form_attempt(course_id, lesson_id, quiz, learner)
    if not isinstance(attempt, attempts.Attempt):
        return attempt
    asked = attempt.asked(quiz)
    responses = read_answers(request.form, [public for _, public in asked])
    if not quiz.settings.assessment:
        responses = {qid: response for qid, response in responses.items() if not untouched(asked, qid, response)}
        if not responses:  # the hint is shown in the question whose Check was pressed
            pressed = request.form.get("check", "")
            if is_valid_id(pressed) and any(question.id == pressed for question, _ in asked):
                return redirect(f"{lesson_url}?unanswered={pressed}#q-{pressed}", code=303)
            flash(gettext("Answer a question first, then press Check."), "info")
            return redirect(lesson_url + "#quiz", code=303)
    try:
        made = submitting.submit(course, lesson, quiz, attempt, asked, responses, learner)
    except AlreadySubmitted:
        attempts.close_attempt(attempt, learner["id"])
        return _already_submitted(course_id, lesson_id, quiz, attempt.id)
    except NoAttemptsLeft as refusal:
        return _problem(gettext("You have used all %(count)d attempts at this test, so this one was not "
                                "counted.", count=refusal.allowed), lesson_url, 403)
    attempts.close_attempt(attempt, learner["id"], [] if quiz.settings.assessment else
                                [answer.question_id for answer in made.answers])
    if quiz.settings.assessment:
        return redirect(url_for(".results", course_id=course_id, lesson_id=lesson_id, attempt_id=made.id), code=303)
    return redirect(f"{lesson_url}#q-{made.answers[0].question_id}", code=303)


@quizzes_bp.post("/<course_id>/lessons/<lesson_id>/quiz/draft")
@learner_required
def save_draft(course_id: str, lesson_id: str):
    """Keep a test's answers so far (the page sends them as the learner answers); 204, or 409 when the page
    belongs to an attempt that is over (nothing is said: the page the learner sees next explains)."""
    _, _, quiz = _lesson(course_id, lesson_id)
    learner = sessions.current_learner()
    attempt, _ = _posted_attempt(course_id, lesson_id, learner)
    if attempt is None or not quiz.settings.assessment:
        return "", 409
    _keep_draft(attempt, quiz, learner)
    return "", 204


@quizzes_bp.post("/<course_id>/lessons/<lesson_id>/quiz/summary")
@learner_required
def review_answers(course_id: str, lesson_id: str):
    """"Submit my answers" in a test (and Enter in an answer box): keep the answers, then show the summary."""
    _, _, quiz = _lesson(course_id, lesson_id)
    learner = sessions.current_learner()
    attempt = _form_attempt(course_id, lesson_id, quiz, learner)
    if not isinstance(attempt, attempts.Attempt):
        return attempt
    if not quiz.settings.assessment:
        abort(404)
    _keep_draft(attempt, quiz, learner)
    return redirect(url_for(".summary", course_id=course_id, lesson_id=lesson_id), code=303)


@quizzes_bp.get("/<course_id>/lessons/<lesson_id>/quiz/summary")
@learner_required
def summary(course_id: str, lesson_id: str):
    """Before a test is submitted: which questions are answered and which are not, and a last confirmation."""
    course, lesson, quiz = _lesson(course_id, lesson_id)
    learner = sessions.current_learner()
    lesson_url = url_for("lessons.lesson", course_id=course_id, lesson_id=lesson_id)
    attempt = attempts.current_attempt(course_id, lesson_id, learner["id"])
    if not quiz.settings.assessment or attempt is None or attempt.expired() \
            or attempt.fingerprint != catalogue.fingerprint(course_id, lesson_id) \
            or attempt.registration in used_attempts(course_id, lesson_id, learner["id"]):
        return redirect(lesson_url + "#quiz", code=303)
    fields = drafts.fields_of(learner["id"], attempt)
    return render_template("quizzes/summary.html", course=course, lesson=lesson, attempt=attempt,
                           rows=attempt_summary(attempt.asked(quiz), fields), fields=fields, lesson_url=lesson_url)


@quizzes_bp.get("/<course_id>/lessons/<lesson_id>/quiz/<attempt_id>")
@learner_required
def results(course_id: str, lesson_id: str, attempt_id: str):
    """The results of one of the learner's own test attempts; a pre-test's show the score alone, no pass or
    fail and no answers (its questions may be the final test's)."""
    course, lesson, quiz = _lesson(course_id, lesson_id)
    learner = sessions.current_learner()
    learner_id = learner["id"]
    made = recorded(learner_id, course_id, {attempt_id}).get(attempt_id) \
        if is_attempt_id(attempt_id) else None
    if made is None or made.lesson_id != lesson_id:
        abort(404)
    reviews = [] if lesson_id == course.pretest else [
        review(quiz.question(answer.question_id), answer) for answer in made.answers
        if quiz.question(answer.question_id) is not None]
    used = len(used_attempts(course_id, lesson_id, learner_id))
    limit = allowed_attempts(quiz, learner, course_id, lesson_id)
    _, following = course.neighbours(lesson_id)
    return render_template("quizzes/results.html", course=course, lesson=lesson, attempt=made, reviews=reviews,
                           pass_percent=quiz.settings.pass_percent, left=None if limit is None else max(0, limit - used), following=following)


@quizzes_bp.post("/<course_id>/lessons/<lesson_id>/quiz/again")
@learner_required
def again(course_id: str, lesson_id: str):
    """Show a checked self-check question (or all of them) unanswered again."""
    _lesson(course_id, lesson_id)
    question_id = request.form.get("question") or None
    if question_id is not None and not is_valid_id(question_id):
        raise FormProblem("bad question id")
    attempts.uncheck(course_id, lesson_id, sessions.current_learner()["id"], question_id)
    anchor = f"#q-{question_id}" if question_id else "#quiz"
    return redirect(url_for("lessons.lesson", course_id=course_id, lesson_id=lesson_id) + anchor, code=303)


def _posted_attempt(course_id: str, lesson_id: str, learner: dict) -> tuple[attempts.Attempt | None, str]:
    """The open attempt the posted form belongs to, or None and why not: `submitted`, `other` or `old`."""
    attempt_id = request.form.get("attempt", "")
    if not is_attempt_id(attempt_id):
        raise FormProblem("no attempt id")
    attempt = attempts.current_attempt(course_id, lesson_id, learner["id"])
    current = attempt is not None and attempt.id == attempt_id
    if current and not attempt.expired() and attempt.fingerprint == catalogue.fingerprint(course_id, lesson_id):
        return attempt, ""
    if attempts.registration(attempt_id) in used_attempts(course_id, lesson_id, learner["id"]):
        return None, "submitted"
    return None, "old" if current else "other"


def _form_attempt(course_id: str, lesson_id: str, quiz: Quiz, learner: dict):
    """The open attempt the posted form belongs to, or the response to give when it is not open."""
    attempt, why = _posted_attempt(course_id, lesson_id, learner)
    if attempt is not None:
        return attempt
    if why == "submitted":
        return _already_submitted(course_id, lesson_id, quiz, request.form["attempt"])
    lesson_url = url_for("lessons.lesson", course_id=course_id, lesson_id=lesson_id)
    if why == "other":
        return _problem(gettext("This quiz page is out of date: it belongs to another attempt. Open the "
                                "lesson again to see your questions."), lesson_url, 400)
    return _problem(gettext("This attempt was opened too long ago, or the course was updated since. Open "
                            "the lesson again to start a new attempt."), lesson_url, 400)


def _keep_draft(attempt: attempts.Attempt, quiz: Quiz, learner: dict) -> None:
    """Keep the posted answers as the attempt's draft, once they are read without a problem."""
    read_answers(request.form, [public for _, public in attempt.asked(quiz)])
    drafts.save(learner["id"], attempt, request.form)


def _already_submitted(course_id: str, lesson_id: str, quiz: Quiz, attempt_id: str):
    flash(gettext("These answers were already submitted; they were counted once."), "info")
    if quiz.settings.assessment:
        return redirect(url_for(".results", course_id=course_id, lesson_id=lesson_id, attempt_id=attempt_id),
                        code=303)
    return redirect(url_for("lessons.lesson", course_id=course_id, lesson_id=lesson_id) + "#quiz", code=303)


def _problem(message: str, back: str, code: int):
    return render_template("quizzes/problem.html", message=message, back=back, code=code), code


@quizzes_bp.errorhandler(FormProblem)
def _bad_form(error: FormProblem):
    current_app.logger.info("quiz form refused: %s", error)
    return _problem(gettext("The player could not read these answers. Open the lesson again and answer "
                            "the questions on the page."), _lesson_url(), 400)


@quizzes_bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    return _problem(gettext("These answers are too long. Shorten your answers and try again."), _lesson_url(), 413)


def _lesson_url() -> str:
    args = request.view_args or {}
    return url_for("lessons.lesson", course_id=args["course_id"], lesson_id=args["lesson_id"]) \
        if "lesson_id" in args else url_for("library.index")
