"""Completion certificates: the facts printed on one, a short verification code, and the PDF.

The code is an HMAC of the learner, the course and the completion date under a key derived from this
installation's secret, shown as three groups of four letters: it cannot be made up without the PC that
issued it, and the admin area checks a code against the records (see `find_certificate`).
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import font_roboto

from courses import Course
from player.progress.summary import CourseProgress, course_score
from player.xapi.vocabulary import parse_timestamp

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U to misread
CODE_LENGTH = 12
FONT_REGULAR, FONT_BOLD = Path(font_roboto.Roboto), Path(font_roboto.RobotoBold)


@dataclass(frozen=True)
class Certificate:
    """Everything printed on a certificate."""

    learner_id: str
    learner_name: str
    course_id: str
    course_title: str
    completed_on: date
    score: float | None       # scaled 0..1, when the course has quizzes
    centre: str
    code: str


def completion_date(progress: CourseProgress) -> date:
    """The local calendar date on which the course's rule was met."""
    return parse_timestamp(progress.completed_at).astimezone().date()


def verification_code(secret: bytes, learner_id: str, course_id: str, completed_on: date) -> str:
    """`ABCD-EFGH-JKMN`: HMAC-SHA256 of learner, course and date, in Crockford base 32."""
    key = hmac.new(secret, b"tramhoc certificate code", hashlib.sha256).digest()
    digest = hmac.new(key, f"{learner_id}\n{course_id}\n{completed_on.isoformat()}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = "".join(ALPHABET[(number >> (5 * index)) & 31] for index in range(CODE_LENGTH))
    return "-".join(letters[start:start + 4] for start in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """A typed code in canonical form (case, spaces, dashes and look-alike letters forgiven)."""
    cleaned = "".join(char for char in text.upper() if char.isalnum())
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return "-".join(cleaned[start:start + 4] for start in range(0, len(cleaned), 4))


def certificate_for(secret: bytes, learner: dict, course: Course, progress: CourseProgress,
                    centre: str) -> Certificate:
    completed_on = completion_date(progress)
    return Certificate(learner["id"], learner["name"], course.id, course.title, completed_on,
                       course_score(course, progress), centre,
                       verification_code(secret, learner["id"], course.id, completed_on))


def render_pdf(certificate: Certificate, text: dict[str, str]) -> bytes:
    """An A4 landscape PDF of the certificate; `text` holds the translated wording (title, intro,
    completed, date, score, centre, code lines), already filled in."""
    from fpdf import FPDF  # a quarter of a second to import: only when a certificate is printed

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(text["title"])
    pdf.set_creator("Trạm Học")
    pdf.add_font("Roboto", "", str(FONT_REGULAR))
    pdf.add_font("Roboto", "B", str(FONT_BOLD))
    pdf.add_page()
    pdf.set_draw_color(11, 92, 173)
    pdf.set_line_width(2.0)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.5)
    pdf.rect(14, 14, 269, 182)

    def line(content: str, size: float, style: str = "", gap: float = 4, colour=(31, 41, 51)):
        pdf.set_font("Roboto", style, size)
        pdf.set_text_color(*colour)
        pdf.set_x(25)
        pdf.multi_cell(247, size * 0.5, content, align="C")
        pdf.ln(gap)

    pdf.set_y(26)
    if certificate.centre:
        line(certificate.centre, 14, gap=6, colour=(82, 96, 109))
    line(text["title"], 30, "B", gap=10, colour=(11, 92, 173))
    line(text["intro"], 15)
    line(certificate.learner_name, 32, "B", gap=8)
    line(text["completed"], 15)
    line(certificate.course_title, 22, "B", gap=8)
    line(text["date"], 14)
    if text.get("score"):
        line(text["score"], 14)
    pdf.set_y(176)
    line(text["code"], 11, colour=(82, 96, 109), gap=1)
    line("Trạm Học", 10, colour=(82, 96, 109))
    return bytes(pdf.output())
