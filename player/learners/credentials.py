"""PINs and picture codes (a learner's, and the admin PIN): salted scrypt hashes only, a persistent
back-off after wrong attempts, and what to tell whoever typed a wrong one."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask import flash
from flask_babel import gettext, ngettext

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~50 ms on an old PC; 16 MiB of memory per check
PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")
FREE_ATTEMPTS = 3
FIRST_DELAY = 30.0
MAX_DELAY = 15 * 60.0


def is_valid_pin(pin: str) -> bool:
    return PIN_PATTERN.match(pin or "") is not None


def hash_secret(kind: str, secret: str) -> str:
    """`scrypt$n$r$p$salt$hash` of a secret of one kind (`pin`, `pictures`, `admin`)."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(kind, secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_secret(kind: str, secret: str, stored: str) -> bool:
    """True when `secret` is the one `stored` was made from (constant-time comparison)."""
    try:
        name, n, r, p, salt, digest = stored.split("$")
        if name != "scrypt":
            return False
        computed = _scrypt(kind, secret, bytes.fromhex(salt), int(n), int(r), int(p))
    except (AttributeError, ValueError):
        return False
    return hmac.compare_digest(computed, bytes.fromhex(digest))


def _scrypt(kind: str, secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    message = f"{kind}:{secret}".encode("utf-8")
    return hashlib.scrypt(message, salt=salt, n=n, r=r, p=p, dklen=32, maxmem=128 * r * (n + p + 2) * 2)


def delay_after(failures: int) -> float:
    """Seconds to wait after this many wrong attempts in a row: free at first, then doubling, capped."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(FIRST_DELAY * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY)


@dataclass(frozen=True)
class Attempt:
    """The outcome of one try, and the back-off state to store (failures in a row, locked until when)."""

    ok: bool
    checked: bool       # False: refused unchecked, because the previous wrong tries still lock it
    wait: float         # seconds before the next try is allowed
    failures: int
    locked_until: float


def try_secret(kind: str, secret: str, stored: str, failures: int, locked_until: float, now: float) -> Attempt:
    """Check a secret under the back-off: while locked nothing is checked; a wrong one locks longer."""
    if now < locked_until:
        return Attempt(False, False, locked_until - now, failures, locked_until)
    if verify_secret(kind, secret, stored):
        return Attempt(True, True, 0.0, 0, 0.0)
    failures += 1
    delay = delay_after(failures)
    return Attempt(False, True, delay, failures, now + delay if delay else 0.0)


def lockouts(failures: int) -> int:
    """How many times in a row wrong tries have locked the form (the first after FREE_ATTEMPTS)."""
    return max(0, failures - FREE_ATTEMPTS + 1)


def refused(attempt: Attempt, say_wait: bool = True) -> int:
    """Say why a try failed and (unless the page shows it itself) how long to wait; the status to answer
    with (403 wrong, 429 still locked)."""
    if attempt.checked:
        flash(gettext("That is not right. Try again."), "error")
    if attempt.wait and say_wait:
        seconds = int(attempt.wait + 0.999)
        flash(ngettext("Too many wrong tries: wait %(num)d second, then try again.",
                       "Too many wrong tries: wait %(num)d seconds, then try again.", seconds), "error")
    return 403 if attempt.checked else 429
