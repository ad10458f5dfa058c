"""A minimal xAPI 1.0.3 client for a Learning Record Store (standard library only): send statements in
batches, send one idempotently, ask whether the LRS has a statement, read statements page by page. Every
failure becomes an LrsError whose message says what to do.

What it trusts is bounded: it never follows a redirect (the credentials go to the host the admin entered
and nowhere else), every request has one overall deadline (not a timeout per read), a run has its own
deadline and can be cancelled, at most ANSWER_LIMIT bytes of an answer are read (PAGE_LIMIT for a page of
statements), a page's `more` link is followed only on the LRS's own host, and an answer whose shape is not
what xAPI prescribes is an error, never taken as a success."""

import base64
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException

from player.web.errors import Problem
from player.web.i18n import N_

XAPI_VERSION = "1.0.3"
TIMEOUT_SECONDS = 30  # for one whole request: connecting, sending, and reading the whole answer
RUN_SECONDS = 3600  # for one whole sync run; the next run goes on where it stopped
ANSWER_LIMIT = 1024 * 1024  # bytes: 100 ids are 4 KB, one statement a few KB
PAGE_LIMIT = 16 * 1024 * 1024  # bytes of one page of statements: 500 of ours are about 1 MB
SHOWN_ADDRESS_LIMIT = 200  # characters of a redirect's target kept for the message

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
    "moved": N_("%(host)s sends the player on to another address (%(moved_to)s). Nothing was sent there. If "
                "that is the LRS's right address, enter it in the sync settings, with the password."),
    "run_deadline": N_("The sync took longer than an hour and was stopped. Try again later: what was sent is "
                       "remembered."),
    "cancelled": N_("The sync was stopped on request."),
    "elsewhere": N_("%(host)s gave the address of its next page of records on another host (%(moved_to)s). It "
                    "was not read: the password goes only to the address you entered."),
    "unexpected": N_("The sync stopped because of an unexpected problem on this computer. Try again; if it "
                   "happens again, ask for help."),
}


def lrs_problem(kind: str, host: str = "", moved_to: str = "") -> Problem:
    """What an LrsError of this kind (or any other failure: `unexpected`) means, in words."""
    return Problem(PROBLEMS.get(kind, PROBLEMS["unexpected"]), {"host": host, "moved_to": moved_to})


class LrsError(Exception):
    """The LRS could not be used; `lasting` when retrying soon will not help (credentials, certificate).

    `kind` names the problem for a translated message: address, credentials, server, answer, certificate,
    tls, unknown_host, refused, timeout, broken, moved, elsewhere, run_deadline or cancelled; `host` is the
    LRS's host (and port); `moved_to` the address a redirect (or a page's `more` link) named."""

    def __init__(self, message: str, lasting: bool = False, kind: str = "broken", host: str = "",
                 moved_to: str = ""):
        super().__init__(message)
        self.lasting, self.kind, self.host, self.moved_to = lasting, kind, host, moved_to


class RunControl:
    """One sync run's overall deadline and its cancel switch: cancelling aborts the request in flight."""

    def __init__(self, seconds: float | None = RUN_SECONDS):
        self._deadline = None if seconds is None else time.monotonic() + seconds
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._abort = None  # stops the request in flight

    def cancel(self) -> None:
        """Stop the run now, even in the middle of a request."""
        with self._lock:
            self._cancelled.set()
            abort = self._abort
        if abort is not None:
            abort()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def remaining(self, host: str) -> float | None:
        """Seconds left for the run (None: no deadline); raises LrsError once it is cancelled or over."""
        if self.cancelled:
            raise LrsError("the sync was cancelled", lasting=True, kind="cancelled", host=host)
        if self._deadline is None:
            return None
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise LrsError(f"the sync ran for longer than its limit ({RUN_SECONDS} s)", lasting=True,
                           kind="run_deadline", host=host)
        return left

    def pause(self, seconds: float) -> None:
        """Wait before a retry; a cancel ends the wait at once."""
        self._cancelled.wait(seconds)

    def watch(self, abort) -> None:
        """Make `abort` (or None: nothing) what a cancel calls."""
        with self._lock:
            self._abort = abort
        if abort is not None and self.cancelled:
            abort()


@dataclass(frozen=True)
class StatementsPage:
    """One answer to `GET statements`: its statements (objects, each with an id) and the absolute address
    of the next page on the same LRS (None after the last)."""

    statements: list[dict]
    more: str | None


class LrsClient:
    """Talks to one LRS endpoint (the URL ending in `/xAPI/` or whatever the LRS documents)."""

    def __init__(self, endpoint: str, user: str, password: str, timeout: float = TIMEOUT_SECONDS,
                 control: RunControl | None = None):
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise LrsError(f"{endpoint!r} is not an http:// or https:// address", lasting=True, kind="address",
                           host=parts.netloc)
        self.statements_url = endpoint.rstrip("/") + "/statements"
        self.host = parts.netloc
        self._origin = (parts.scheme, parts.netloc)
        token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": XAPI_VERSION,
                        "Content-Type": "application/json"}
        self.timeout = timeout
        self.control = control or RunControl(None)
        self._connections = _Connections()
        self._opener = urllib.request.build_opener(_RefuseRedirects, _WatchedHttp(self._connections),
                                                   _WatchedHttps(self._connections))

    def post(self, statements: list[dict]) -> tuple[int, list[str] | None]:
        """POST a batch; returns the HTTP status (200 stored, 204 or 3xx-free 2xx unconfirmed, 400 rejected,
        409 conflict) and, for 200, the ids the LRS says it stored (always a list of strings, each one of
        the batch's ids: any other answer raises LrsError)."""
        status, body = self._request("POST", self.statements_url, statements)
        if status == 404:
            raise self._not_found("POST")
        if status != 200:
            return status, None
        stored = self._json(body, "POST")
        sent = {statement["id"].lower() for statement in statements}
        if not isinstance(stored, list) or not all(isinstance(sid, str) and sid.lower() in sent for sid in stored):
            raise LrsError("the LRS answered a POST of statements with something other than the list of their "
                           "ids", lasting=True, kind="answer", host=self.host)
        return status, stored

    def put(self, statement: dict) -> int:
        """PUT one statement under its id (idempotent): 2xx stored, 409 conflict, 400 rejected."""
        status = self._request("PUT", self._with_id(statement["id"]), statement)[0]
        if status == 404:
            raise self._not_found("PUT")
        return status

    def has(self, statement_id: str) -> bool:
        """Whether the LRS holds a statement with this id (404, or an empty result list, means no); an
        answer of any other shape raises LrsError."""
        status, body = self._request("GET", self._with_id(statement_id))
        if status == 404:
            return False
        found = self._json(body, "statement query")
        if isinstance(found, dict) and isinstance(found.get("statements"), list):  # some LRSs answer a list
            listed = found["statements"]
            if all(isinstance(item, dict) for item in listed):
                return any(item.get("id") == statement_id for item in listed)
        elif isinstance(found, dict) and found.get("id") == statement_id:
            return True
        raise LrsError(f"the LRS answered a query for statement {statement_id} with something that is not that "
                       "statement", lasting=True, kind="answer", host=self.host)

    def page(self, url: str | None = None, **query) -> StatementsPage:
        """GET one page of statements: the first one (`query`: limit, since, …) or the page `url` names (an
        earlier page's `more`). An answer that is not a list of statements with ids raises LrsError."""
        url = url or f"{self.statements_url}?{urllib.parse.urlencode(query)}"
        status, body = self._request("GET", self._on_this_lrs(url), limit=PAGE_LIMIT)
        if status == 404:
            raise self._not_found("GET")
        if status != 200:
            raise LrsError(f"the LRS refused the statement query {url} (HTTP {status})", lasting=True,
                           kind="answer", host=self.host)
        found = self._json(body, "statement query")
        listed = found.get("statements") if isinstance(found, dict) else None
        more = found.get("more") if isinstance(found, dict) else None
        if not isinstance(listed, list) or not all(isinstance(item, dict) and isinstance(item.get("id"), str)
                                                   for item in listed) or not isinstance(more, (str, type(None))):
            raise LrsError("the LRS answered a statement query with something other than a list of statements",
                           lasting=True, kind="answer", host=self.host)
        following = self._on_this_lrs(urllib.parse.urljoin(url, more)) if more and listed else None
        if following == url:
            raise LrsError("the LRS's next page of statements is the page itself", lasting=True, kind="answer",
                           host=self.host)
        return StatementsPage(listed, following)

    def _on_this_lrs(self, url: str) -> str:
        """`url`, when it is on the LRS's own scheme, host and port; else LrsError (the password would go
        there)."""
        parts = urllib.parse.urlsplit(url)
        if (parts.scheme, parts.netloc) != self._origin:
            shown = "".join(c for c in url if c.isprintable())[:SHOWN_ADDRESS_LIMIT]
            raise LrsError(f"the LRS's next page of statements is on another host ({shown}); it was not read",
                           lasting=True, kind="elsewhere", host=self.host, moved_to=shown)
        return url

    def _with_id(self, statement_id: str) -> str:
        return f"{self.statements_url}?{urllib.parse.urlencode({'statementId': statement_id})}"

    def _json(self, body: bytes, what: str):
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise LrsError(f"the LRS answered a {what} with something that is not JSON", lasting=True,
                           kind="answer", host=self.host) from None

    def _not_found(self, method: str) -> LrsError:
        return LrsError(f"the LRS answered {method} {self.statements_url} with 404 Not Found: the address is "
                        "probably wrong", lasting=True, kind="answer", host=self.host)

    def _request(self, method: str, url: str, payload=None, limit: int = ANSWER_LIMIT) -> tuple[int, bytes]:
        """One request within its deadline (and the run's); aborted at once when the run is cancelled."""
        left = self.control.remaining(self.host)
        deadline = self.timeout if left is None else min(self.timeout, left)
        data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers=self.headers)
        timer = threading.Timer(deadline, self._connections.abort)
        timer.daemon = True
        self._connections.begin()
        self.control.watch(self._connections.abort)
        timer.start()
        try:
            return self._send(request, deadline, limit)
        except (LrsError, OSError, HTTPException, ValueError):
            if self._connections.aborted:
                self.control.remaining(self.host)  # raises when the run was cancelled or is over
                raise LrsError(f"{self.host} did not answer in time (within {deadline:.0f} s); the connection may "
                               "be slow", kind="timeout", host=self.host) from None
            raise
        finally:
            timer.cancel()
            self.control.watch(None)

    def _send(self, request: urllib.request.Request, deadline: float, limit: int) -> tuple[int, bytes]:
        try:
            with self._opener.open(request, timeout=deadline) as response:
                body = _read_capped(response, self.host, limit)
                if self._connections.aborted:  # the answer may look whole when the connection was cut
                    raise OSError("aborted")
                return response.status, body
        except urllib.error.HTTPError as error:
            with error:
                if 300 <= error.code < 400:
                    raise _moved(error, request.full_url, self.host) from None
                body = _read_capped(error, self.host, limit)
            if error.code in (401, 403):
                raise LrsError(f"the LRS refused the user name or password (HTTP {error.code}); check them in "
                               "the settings", lasting=True, kind="credentials", host=self.host) from None
            if error.code in (400, 404, 409, 422):  # 422: how some LRSs (Ralph) say 400
                return (400 if error.code == 422 else error.code), body
            raise LrsError(f"the LRS had a problem (HTTP {error.code}); try again later", kind="server",
                           host=self.host) from None
        except urllib.error.URLError as error:
            raise _connection_error(error.reason, request.full_url) from None
        except (HTTPException, ConnectionError, socket.timeout, TimeoutError) as error:
            raise _connection_error(error, request.full_url) from None


def _read_capped(response, host: str, limit: int) -> bytes:
    body = response.read(limit + 1)
    if len(body) > limit:
        raise LrsError(f"the LRS's answer is larger than {limit // 1024} KiB; it was not read",
                       lasting=True, kind="answer", host=host)
    return body


def _moved(error: urllib.error.HTTPError, url: str, host: str) -> LrsError:
    """A redirect, as an error naming where it leads (never followed: a POST would turn into a GET that
    stores nothing, and the password would go to a host the admin did not enter)."""
    target = urllib.parse.urljoin(url, error.headers.get("Location", ""))
    shown = "".join(c for c in target if c.isprintable())[:SHOWN_ADDRESS_LIMIT]
    return LrsError(f"the LRS answered HTTP {error.code} pointing to {shown}; redirects are not followed",
                    lasting=True, kind="moved", host=host, moved_to=shown)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Turns every redirect into an HTTPError (replaces urllib's handler that follows them)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Connections:
    """The socket of the request in flight, so that a deadline or a cancel can cut it from another thread
    (shutting a socket down wakes any blocked read, even one in the middle of a header)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sock = None
        self.aborted = False

    def begin(self) -> None:
        with self._lock:
            self._sock, self.aborted = None, False

    def connected(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            aborted = self.aborted
        if aborted:  # cut off while it was connecting
            _shut(sock)

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            sock = self._sock
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: safe under an SSL reader
    except OSError:
        pass


class _Watched:
    """Mixed into an http.client connection: once connected, its socket is handed to the run's watcher."""

    def __init__(self, *args, connections: _Connections, **kwargs):
        super().__init__(*args, **kwargs)
        self._connections = connections

    def connect(self):
        super().connect()
        self._connections.connected(self.sock)


class _WatchedConnection(_Watched, http.client.HTTPConnection):
    pass


class _WatchedSecureConnection(_Watched, http.client.HTTPSConnection):
    pass


class _WatchedHttp(urllib.request.HTTPHandler):
    def __init__(self, connections: _Connections):
        super().__init__()
        self._connections = connections

    def http_open(self, req):
        return self.do_open(_WatchedConnection, req, connections=self._connections)


class _WatchedHttps(urllib.request.HTTPSHandler):
    def __init__(self, connections: _Connections):
        super().__init__()
        self._connections = connections

    def https_open(self, req):
        return self.do_open(_WatchedSecureConnection, req, context=self._context, connections=self._connections)


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
