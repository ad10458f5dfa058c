"""The one shape of what the player tells a person who meets a problem, and the error pages.

A `Problem` is a message id (English, marked with N_ and translated where it is shown: a page, the command
line) with its parameters, and an optional detail: the technical text behind it (an exception's words,
in English), for whoever helps, never put into the translated sentence. Exceptions that a person may see
carry one (`ProblemError`).
"""

import errno
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from flask import Flask, current_app, flash, render_template
from flask_babel import gettext

from courses import BundleError
from courses.errors import UnsupportedFormat
from player.web.i18n import N_

_ERRNO_KINDS = {errno.ENOSPC: "full", errno.EROFS: "read-only", errno.EACCES: "read-only", errno.EPERM: "read-only",
                errno.ENOENT: "gone", errno.ENODEV: "gone", errno.ENXIO: "gone", errno.ENOTDIR: "gone",
                errno.EIO: "gone"}
_WINDOWS_KINDS = {3: "gone", 15: "gone", 21: "gone", 112: "full"}  # path or drive not found, not ready; disk full
_REASONS = {  # what each kind means, in words the person can act on
    "full": N_("the disk is full"),
    "read-only": N_("that place is read-only or protected"),
    "gone": N_("that place is not there, or cannot be reached (was a USB stick pulled out?)"),
}


@dataclass(frozen=True)
class Problem:
    """What went wrong, for a person: a message id with its parameters, and a detail for whoever helps."""

    message: str
    params: Mapping = field(default_factory=dict)
    detail: str = ""

    def text(self, translate: Callable[[str], str] = gettext) -> str:
        """The message in the UI language (translate: gettext of a request, or of a Language)."""
        translated = translate(self.message)
        return translated % dict(self.params) if self.params else translated

    def about(self, **params) -> "Problem":
        """The same problem with some parameters changed (e.g. the file name the person chose)."""
        return replace(self, params={**self.params, **params})


class ProblemError(Exception):
    """An exception whose Problem a person may be shown."""

    def __init__(self, problem: Problem):
        super().__init__(problem.text(lambda message: message) + (f" ({problem.detail})" if problem.detail else ""))
        self.problem = problem


def os_kind(error: OSError) -> str | None:
    """What an operating system error means for the person: `full`, `read-only`, `gone` (the place is not
    there or cannot be reached), or None (anything else)."""
    return _WINDOWS_KINDS.get(getattr(error, "winerror", None)) or _ERRNO_KINDS.get(error.errno)


def os_problem(error: OSError) -> Problem:
    """An operating system error as a reason a person can act on; its own words become the detail."""
    return Problem(_REASONS.get(os_kind(error), N_("the computer reported a problem")),
                   detail=error.strerror or str(error))


def bundle_problem(error: BundleError, file: str) -> Problem:
    """A course file that cannot be used, named as the person knows it; what is wrong becomes the detail."""
    if isinstance(error, UnsupportedFormat):
        return Problem(N_("The course file %(file)s was made for a newer Trạm Học (course format %(found)s; this "
                          "player reads format %(supported)s). Install the newer player first."),
                       {"file": file, "found": error.found, "supported": error.supported}, detail=str(error))
    return Problem(N_("The course file %(file)s is damaged, or it is not a Trạm Học course file."), {"file": file},
                   detail=str(error))


def flash_problem(problem: Problem, before: str | None = None) -> None:
    """Show a problem on the next page: `before` (a translated sentence with %(reason)s) and the reason,
    then its detail, folded away (base.html)."""
    text = problem.text()
    flash(before % {"reason": text} if before else text, "error")
    if problem.detail:
        flash(problem.detail, "detail")


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(413, _too_large)
    app.register_error_handler(BundleError, _damaged_bundle)


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    return render_template("error.html", code=code), code


def _too_large(error):
    message = gettext("This was more than the player accepts here, so it was not read. A course file is "
                      "installed from the library page or the admin area.")
    return render_template("error.html", code=413, message=message), 413


def _damaged_bundle(error: BundleError):
    current_app.logger.error("damaged bundle: %s", error)
    message = gettext("This course file was changed or damaged after it was installed. Install it again.")
    return render_template("error.html", code=500, message=message), 500
