"""What a certificate says, in the page's language: its lines, and its date as documents there write it."""

from datetime import date

from flask_babel import format_date, gettext

from player.certificates.certificate import Certificate


def certificate_date(day: date) -> str:
    """The date as the language's documents write it ("ngày 2 tháng 12 năm 2026", "2 December 2026")."""
    # TRANSLATORS: a Babel date pattern (d day, M month number, MMMM month name, y year; quoted words kept).
    return format_date(day, format=gettext("d MMMM y"))


def certificate_text(certificate: Certificate) -> dict[str, str]:
    """The certificate's lines (title, intro, completed, date, code, and the score when there is one)."""
    text = {
        "title": gettext("Certificate of completion"),
        "intro": gettext("This certifies that"),
        "completed": gettext("has completed the course"),
        "date": gettext("on %(date)s", date=certificate_date(certificate.completed_on)),
        "code": gettext("Verification code: %(code)s", code=certificate.code),
    }
    if certificate.score is not None:
        text["score"] = gettext("Score: %(score)d%%", score=round(certificate.score * 100))
    return text
