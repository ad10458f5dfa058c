"""A minimal xAPI 1.0.3 client for a Learning Record Store (standard library only): send statements in
batches, send one idempotently, ask whether the LRS has a statement. Every failure becomes an LrsError
whose message says what to do."""

import base64
import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException

from player.web.errors import Problem
from player.web.i18n import N_

XAPI_VERSION = "1.0.3"
TIMEOUT_SECONDS = 30

PROBLEMS = {  # by LrsError kind, and `unexpected` for a failure on this computer
    "credentials": N_("The LRS refused the user name or password. Check them in the sync settings."),
    "certificate": N_("The secure connection to %(host)s could not be checked (its certificate). Check the "
                      "address, and the date and time of this computer."),
    "tls": N_("A secure connection to %(host)s failed. Check whether the address starts with http:// or "
              "https:// as the LRS's administrator said."),
    "unknown_host": N_("%(host)s cannot be found. Check the address and the internet connection."),
    "refused": N_("Nothing answers at %(host)s. Is the LRS running? Check the address."),
    "timeout": N_("%(host)s did not answer in time. The connection may be slow: try again later."),
    "broken": N_("The connection to %(host)s broke off. Try again later: what was sent is remembered."),
    "server": N_("The LRS had a problem of its own. Try again later."),
    "answer": N_("The LRS gave an answer this player does not understand. Check the address."),
    "address": N_("The LRS address must start with http:// or https://."),
    "unexpected": N_("The sync stopped because of an unexpected problem on this computer. Try again; if it "
                   "happens again, ask for help."),
}


def lrs_problem(kind: str, host: str = "") -> Problem:
    """What an LrsError of this kind (or any other failure: `unexpected`) means, in words."""
    return Problem(PROBLEMS.get(kind, PROBLEMS["unexpected"]), {"host": host})


class LrsError(Exception):
    """The LRS could not be used; `lasting` when retrying soon will not help (credentials, certificate).

    `kind` names the problem for a translated message: address, credentials, server, answer, certificate,
    tls, unknown_host, refused, timeout or broken; `host` is the LRS's host (and port)."""

    def __init__(self, message: str, lasting: bool = False, kind: str = "broken", host: str = ""):
        super().__init__(message)
        self.lasting, self.kind, self.host = lasting, kind, host


class LrsClient:
    """Talks to one LRS endpoint (the URL ending in `/xAPI/` or whatever the LRS documents)."""

    def __init__(self, endpoint: str, user: str, password: str, timeout: float = TIMEOUT_SECONDS):
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise LrsError(f"{endpoint!r} is not an http:// or https:// address", lasting=True, kind="address",
                           host=parts.netloc)
        self.statements_url = endpoint.rstrip("/") + "/statements"
        self.host = parts.netloc
        token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": XAPI_VERSION,
                        "Content-Type": "application/json"}
        self.timeout = timeout

    def post(self, statements: list[dict]) -> tuple[int, list[str] | None]:
        """POST a batch; returns the HTTP status (200/204 stored, 400 rejected, 409 conflict) and, for 200,
        the ids the LRS says it stored (None if it did not say)."""
        status, body = self._request("POST", self.statements_url, statements)
        try:
            stored = json.loads(body) if status == 200 else None
        except ValueError:
            stored = None
        return status, stored if isinstance(stored, list) else None

    def put(self, statement: dict) -> int:
        """PUT one statement under its id (idempotent): 204 stored or already there, 409 conflict."""
        return self._request("PUT", self._with_id(statement["id"]), statement)[0]

    def has(self, statement_id: str) -> bool:
        """Whether the LRS holds a statement with this id (404, or an empty result list, means no)."""
        status, body = self._request("GET", self._with_id(statement_id))
        if status == 404:
            return False
        try:
            found = json.loads(body)
        except ValueError:
            raise LrsError(f"the LRS answered a statement query with something that is not JSON ({status})",
                           kind="answer", host=self.host)
        if isinstance(found, dict) and isinstance(found.get("statements"), list):  # some LRSs answer a list
            return any(item.get("id") == statement_id for item in found["statements"])
        return isinstance(found, dict) and found.get("id") == statement_id

    def _with_id(self, statement_id: str) -> str:
        return f"{self.statements_url}?{urllib.parse.urlencode({'statementId': statement_id})}"

    def _request(self, method: str, url: str, payload=None) -> tuple[int, bytes]:
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            body = error.read()
            if error.code in (401, 403):
                raise LrsError(f"the LRS refused the user name or password (HTTP {error.code}); check them in "
                               "the settings", lasting=True, kind="credentials", host=self.host) from None
            if error.code in (400, 404, 409, 422):  # 422: how some LRSs (Ralph) say 400
                return (400 if error.code == 422 else error.code), body
            raise LrsError(f"the LRS had a problem (HTTP {error.code}); try again later", kind="server",
                           host=self.host) from None
        except urllib.error.URLError as error:
            raise _connection_error(error.reason, url) from None
        except (HTTPException, ConnectionError, socket.timeout, TimeoutError) as error:
            raise _connection_error(error, url) from None


def _connection_error(reason, url: str) -> LrsError:
    host = urllib.parse.urlsplit(url).netloc
    if isinstance(reason, ssl.SSLCertVerificationError):
        return LrsError(f"the certificate of {host} could not be verified ({reason.verify_message}); the "
                        "address may be wrong, or the computer's date", lasting=True, kind="certificate", host=host)
    if isinstance(reason, ssl.SSLError):
        return LrsError(f"a secure connection to {host} failed ({reason.reason or reason})", lasting=True,
                        kind="tls", host=host)
    if isinstance(reason, socket.gaierror):
        return LrsError(f"{host} cannot be found; check the address and the internet connection",
                        kind="unknown_host", host=host)
    if isinstance(reason, ConnectionRefusedError):
        return LrsError(f"nothing answers at {host}; is the LRS running?", kind="refused", host=host)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return LrsError(f"{host} did not answer in time; the connection may be slow", kind="timeout", host=host)
    return LrsError(f"the connection to {host} broke off ({reason or type(reason).__name__}); try again",
                    kind="broken", host=host)
