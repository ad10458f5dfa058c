"""The admin area's classes: the list and a new class; a class's page with its learners; importing its
class list in steps (choose the file; check the columns, the first rows and every problem, nothing written
yet; confirm) and what the import did."""

from datetime import date

from babel.dates import format_date
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from player.admin.access import admin_required
from player.classes import columns, importing, outcomes, roster
from player.classes.listfile import MAX_LIST_BYTES, ListFileError, Sheet, read_list
from player.library.cards import shown_courses
from player.web.i18n import N_
from player.web.services import services

classes_bp = Blueprint("classes", __name__, url_prefix="/admin/classes")
LIST_SECONDS = 3600
PREVIEW_ROWS = 5
GENDER_LABELS = {"male": N_("Male"), "female": N_("Female"), "other": N_("Other")}  # translated in the templates


def init_app(app: Flask) -> None:
    app.register_blueprint(classes_bp)
    app.jinja_env.filters["class_day"] = class_day


def class_day(day: str) -> str:
    """A class's first or last day (YYYY-MM-DD) as the language writes a day (4 thg 12, 2026)."""
    try:
        return format_date(date.fromisoformat(day), "medium", locale=get_locale())
    except ValueError:
        return day


@classes_bp.get("/")
@admin_required
def index():
    """Every class, and the form for a new one."""
    return _index_page({})


@classes_bp.post("/")
@admin_required
def create():
    """Make a class from the form, or show the form again with every problem."""
    courses = shown_courses()
    fields, problems = roster.read_class(request.form, {course.id for course in courses})
    if problems:
        return _index_page(fields, problems), 400
    made = roster.create_class(fields)
    flash(gettext("The class “%(name)s” was made. Now import its class list.", name=made["name"]), "success")
    return redirect(url_for(".show", class_id=made["id"]), code=303)


@classes_bp.get("/<class_id>")
@admin_required
def show(class_id: str):
    """A class: its courses, dates and learners, importing its class list, and before and after."""
    return _class_page(_class_or_404(class_id))


@classes_bp.post("/<class_id>/import")
@admin_required
def upload(class_id: str):
    """Step 1: read the chosen list file and show how it will be read; nothing is written."""
    row = _class_or_404(class_id)
    chosen = request.files.get("list")
    if chosen is None or not chosen.filename:
        return _class_page(row, [gettext("Choose the class list file (.xlsx or .csv) first.")]), 400
    try:
        sheet = read_list(chosen.stream.read(MAX_LIST_BYTES + 1), chosen.filename)
    except ListFileError as error:
        return _class_page(row, [gettext(error.message, **error.params)]), 400
    mapping, header = columns.guess([cells for _, cells in sheet.rows])
    return _import_page(row, sheet, mapping, header, _signer().dumps(_packed(row["id"], sheet, header, chosen.filename)))


@classes_bp.post("/<class_id>/import/check")
@admin_required
def check(class_id: str):
    """Step 2, again: the same list read with the columns the admin chose."""
    row = _class_or_404(class_id)
    sheet, header, _ = _unpacked(row)
    return _import_page(row, sheet, columns.chosen(request.form, sheet.width), header, request.form["token"])


@classes_bp.post("/<class_id>/import/confirm")
@admin_required
def confirm(class_id: str):
    """Step 3: the admin confirms: check the list again against the learners here now, then write it."""
    row = _class_or_404(class_id)
    sheet, header, filename = _unpacked(row)
    mapping = columns.chosen(request.form, sheet.width)
    checked = importing.plan(sheet, mapping, header, row)
    if not checked.can_import:
        return _import_page(row, sheet, mapping, header, request.form["token"]), 400
    done = importing.apply(checked, row)
    return render_template("classes/imported.html", row=row, plan=done, filename=filename, genders=GENDER_LABELS,
                           **{name: done.of(action) for name, action in
                              (("created", importing.NEW), ("here", importing.HERE),
                               ("in_class", importing.IN_CLASS), ("skipped", importing.SKIPPED))})


def _index_page(fields: dict, problems: list[str] = ()):
    courses = shown_courses()
    titles = {course.id: course.title for course in courses}
    return render_template("classes/index.html", classes=services().store.classes.classes(), courses=courses,
                           titles=titles, form=fields, problems=problems, today=roster.today(),
                           is_active=roster.is_active)


def _class_page(row: dict, problems: list[str] = ()):
    titles = {course.id: course.title for course in shown_courses()}
    people = roster.members(row)
    return render_template("classes/class.html", row=row, titles=titles, people=people, problems=problems,
                           active=roster.is_active(row), genders=GENDER_LABELS,
                           outcomes=outcomes.class_outcomes(row, people))


def _import_page(row: dict, sheet: Sheet, mapping: dict[str, int], header: int | None, token: str):
    checked = importing.plan(sheet, mapping, header, row)
    headers = sheet.rows[header][1] if header is not None else []
    choices = [(index, columns.column_letter(index), headers[index] if index < len(headers) else "")
               for index in range(sheet.width)]
    return render_template("classes/import.html", row=row, sheet=sheet, mapping=mapping, choices=choices,
                           fields=columns.FIELDS, header_row=sheet.rows[header][0] if header is not None else None,
                           preview=checked.entries[:PREVIEW_ROWS], plan=checked, token=token,
                           genders=GENDER_LABELS, importing=importing)


def _packed(class_id: str, sheet: Sheet, header: int | None, filename: str) -> dict:
    return {"class": class_id, "rows": sheet.rows, "encoding": sheet.encoding, "guessed": sheet.guessed_encoding,
            "truncated": sheet.truncated, "header": header, "file": filename[:120]}


def _unpacked(row: dict) -> tuple[Sheet, int | None, str]:
    """The list read in step 1, carried in the page's signed token; back to step 1 when it is too old."""
    try:
        packed = _signer().loads(request.form.get("token", ""), max_age=LIST_SECONDS)
        if packed["class"] != row["id"]:
            raise ValueError("a list read for another class")
        sheet = Sheet([(number, cells) for number, cells in packed["rows"]], packed["encoding"],
                      packed["guessed"], packed["truncated"])
        return sheet, packed["header"], packed["file"]
    except (BadSignature, KeyError, TypeError, ValueError):
        flash(gettext("This page was open too long. Choose the class list file again."), "error")
        abort(redirect(url_for(".show", class_id=row["id"]), code=303))


def _class_or_404(class_id: str) -> dict:
    row = services().store.classes.get(class_id)
    if row is None:
        abort(404)
    return row


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="tramhoc class list")
