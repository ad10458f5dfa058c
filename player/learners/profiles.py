"""Learner profiles on a shared PC: clean display names, initials and colours for the avatar, the
optional PIN or picture code, and unlocking with back-off."""

import re
import unicodedata
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext

from player import clock
from player.learners import credentials
from player.learners.pictures import picture_code
from player.store.learners import NameTaken
from player.web.services import services
from player.xapi.vocabulary import timestamp

MAX_NAME = 40
COLOURS = 8
KINDS = ("none", "pin", "pictures")
STAFF_AFTER_LOCKOUTS = 3


class ProfileError(ValueError):
    """Bad input for a profile; the message is for the person typing."""


def clean_name(raw: str) -> str:
    """A display name in NFC with single spaces and no control characters, or ProfileError."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(char for char in text if unicodedata.category(char)[0] != "C")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise ProfileError(gettext("Type your name."))
    if len(text) > MAX_NAME:
        raise ProfileError(gettext("The name is too long (at most %(num)d letters).", num=MAX_NAME))
    return text


def initials(name: str) -> str:
    """One or two capital letters for the avatar: first and last word (`Nguyễn Thị Lan` → `NL`)."""
    words = name.split()
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return unicodedata.normalize("NFC", letters.upper())


def read_secret(form) -> tuple[str | None, str | None]:
    """(kind, secret) chosen in a form's `kind`, `pin`, `pin2` and `picture1..3` fields; kind None for
    no code. Raises ProfileError when the choice is incomplete."""
    kind = form.get("kind", "none")
    if kind == "pin":
        pin = (form.get("pin") or "").strip()
        if not credentials.is_valid_pin(pin):
            raise ProfileError(gettext("A PIN is 4 to 6 digits."))
        if pin != (form.get("pin2") or "").strip():
            raise ProfileError(gettext("The two PINs are not the same. Type them again."))
        return "pin", pin
    if kind == "pictures":
        code = picture_code(form)
        if code is None:
            raise ProfileError(gettext("Pick one picture in each of the three rows."))
        return "pictures", code
    if kind != "none":
        raise ProfileError(gettext("Choose how to protect the profile."))
    return None, None


def secret_fields(kind: str | None, secret: str | None) -> dict:
    """Profile fields for a new secret (hash only); clears the back-off."""
    return {"secret_kind": kind, "secret_hash": credentials.hash_secret(kind, secret) if kind else None,
            "failures": 0, "locked_until": 0.0}


def create(name: str, kind: str | None, secret: str | None, **details) -> dict:
    """A new learner, with optional `details` (birth_year, phone, gender, group from a class list);
    ProfileError if the name is taken (names must tell learners apart)."""
    name = clean_name(name)
    learners = services().store.learners
    profile = {"name": name, "colour": len(learners.learners()) % COLOURS, "created": timestamp(clock.utcnow()),
               "last_seen": None, **details, **secret_fields(kind, secret)}
    try:
        return learners.create(profile)
    except NameTaken:
        raise ProfileError(gettext("Someone here already has this name. Add a family name or a number.")) from None


def unlock(learner_id: str, form) -> credentials.Attempt:
    """Try the PIN or picture code in `form` for a learner, storing the back-off state."""
    learners = services().store.learners
    with learners.learner_lock(learner_id):
        profile = learners.profile(learner_id)
        if profile is None:
            raise KeyError(learner_id)
        kind = profile.get("secret_kind")
        secret = (form.get("pin") or "").strip() if kind == "pin" else (picture_code(form) or "")
        attempt = credentials.try_secret(kind, secret, profile.get("secret_hash") or "",
                                         int(profile.get("failures", 0)), float(profile.get("locked_until", 0)),
                                         clock.now())
        if attempt.checked and (attempt.failures, attempt.locked_until) != (profile.get("failures", 0),
                                                                             profile.get("locked_until", 0.0)):
            learners.update_profile(learner_id, failures=attempt.failures, locked_until=attempt.locked_until)
        return attempt


@dataclass(frozen=True)
class Lockout:
    """Where a profile's back-off stands: seconds until the next try (0: open now), lock-outs in a row."""

    wait: int
    lockouts: int

    @property
    def ask_staff(self) -> bool:
        """From the third lock-out on, the learner is told to ask the centre's staff."""
        return self.lockouts >= STAFF_AFTER_LOCKOUTS


def lockout(profile: dict) -> Lockout:
    """The back-off state of a profile, now."""
    wait = float(profile.get("locked_until", 0)) - clock.now()
    return Lockout(int(wait + 0.999) if wait > 0 else 0, credentials.lockouts(int(profile.get("failures", 0))))


def profile_or_404(learner_id: str) -> dict:
    """A learner's profile, or a 404 page when there is no such learner."""
    profile = services().store.learners.profile(learner_id)
    if profile is None:
        abort(404)
    return profile
