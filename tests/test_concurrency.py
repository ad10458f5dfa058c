"""Several PCs on one player (LAN mode): 20 threads record 100 events each through the Flask app, for
one shared learner and for 20 different learners; exactly 2,000 records must be stored. Then a class on real
connections (issue 20 #2): 30 PCs from 30 client addresses at once, also beside a hostile slow client."""

import itertools
import socket
import threading
import time
from collections import Counter

import pytest
from support.lan import Browser, serving

from player.paths import DataPaths
from player.store import Store
from player.web import server as server_module
from player.web.services import services
from player.xapi.vocabulary import parse_activity, verb_name

THREADS, EVENTS = 20, 100
LESSONS = ("gioi-thieu", "dang-nhap", "ky-so")


def run_threads(app, learner_for_thread) -> list[Exception]:
    errors: list[Exception] = []
    clients = []
    for number in range(THREADS):
        client = app.test_client()
        client.post(f"/learners/{learner_for_thread(number)}/open", data={})
        clients.append(client)
    barrier = threading.Barrier(THREADS)

    def work(client):
        try:
            token = {"X-CSRFToken": client.csrf_token()}
            barrier.wait()
            for number in range(EVENTS):  # each lesson page reports its visit, as its script does
                lesson = f"/courses/mini/lessons/{LESSONS[number % len(LESSONS)]}"
                assert client.get(lesson).status_code == 200
                response = client.post(f"{lesson}/opened", json={}, csrf=False, headers=token)
                assert response.status_code == 200, response.status_code
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def launched_per_learner(data_dir) -> Counter:
    store = Store(DataPaths(data_dir))  # read back from disk, not from the app's caches
    counts: Counter = Counter()
    ids = set()
    for row in store.learners.learners():
        for statement in store.learners.statements(row["id"]):
            assert statement["id"] not in ids
            ids.add(statement["id"])
            counts[row["id"]] += verb_name(statement) == "launched"
    return counts


@pytest.mark.slow
def test_one_learner_on_twenty_pcs(app, fake_clock):  # page views take no time: one `launched` each
    learner = app.test_client().sign_in("Lan")
    assert run_threads(app, lambda number: learner) == []
    assert launched_per_learner(services(app).paths.root) == {learner: THREADS * EVENTS}


@pytest.mark.slow
def test_twenty_learners_on_twenty_pcs(app, fake_clock):
    learners = [app.test_client().sign_in(f"Học viên {number}") for number in range(THREADS)]
    assert run_threads(app, lambda number: learners[number]) == []
    counts = launched_per_learner(services(app).paths.root)
    assert sum(counts.values()) == THREADS * EVENTS
    assert counts == {learner: EVENTS for learner in learners}


# -- a class on real connections: 30 PCs from 30 addresses at once (issue 20 #2) ----------------------------
PCS, VISITS = 30, 10


def class_at_work(server, names: list[str]) -> tuple[list[str], Counter, float]:
    """Each PC (127.0.0.10 and up) makes its learner's profile, then, all at once, opens lessons as their
    pages do; (errors, acknowledged `opened` per learner, the slowest request in seconds)."""
    errors, acknowledged, slowest = [], Counter(), [0.0]
    barrier = threading.Barrier(len(names))

    def work(number: int, name: str):
        browser = Browser(server, f"127.0.0.{10 + number}")
        try:
            assert browser.sign_in(name) == 200, name  # the form's redirect followed to the library page
            barrier.wait()
            for visit in range(VISITS):
                lesson = f"/courses/mini/lessons/{LESSONS[visit % len(LESSONS)]}"
                start = time.perf_counter()
                assert browser.status_and_text(lesson)[0] == 200
                status, answer = browser.post_json(f"{lesson}/opened", {})
                slowest[0] = max(slowest[0], time.perf_counter() - start)
                assert status == 200 and answer["visit"], status
                acknowledged[name] += 1
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(f"{name}: {error!r}")
            barrier.abort()  # the others stop waiting for this PC

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors, acknowledged, slowest[0]


def launched_by_name(data_dir) -> Counter:
    store = Store(DataPaths(data_dir))
    return Counter({row["name"]: sum(verb_name(statement) == "launched" for statement in
                                     store.learners.statements(row["id"])) for row in store.learners.learners()})


@pytest.mark.slow
def test_thirty_pcs_write_at_once_and_every_acknowledged_write_is_on_disk(app):
    names = [f"Học viên {number:02d}" for number in range(PCS)]
    with serving(app) as server:
        errors, acknowledged, _ = class_at_work(server, names)
    assert errors == []
    assert sum(acknowledged.values()) == PCS * VISITS
    assert launched_by_name(services(app).paths.root) == acknowledged


class Slowloris:
    """A hostile PC at 127.0.0.2: requests on as many connections as it may hold, their headers sent one byte a
    second, never finished; notes when the server closed each connection."""

    def __init__(self, port: int, connections: int):
        self.sockets = [socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0))
                        for _ in range(connections)]
        self.started = time.monotonic()
        self.closed_after: list[float] = []
        self._stop = threading.Event()
        for connection in self.sockets:
            connection.sendall(b"G")
        threading.Thread(target=self._trickle, daemon=True).start()
        self._watching = threading.Thread(target=self._watch, daemon=True)
        self._watching.start()

    def _trickle(self):
        for byte in itertools.cycle(b"ET / HTTP/1.1\r\nX-Slow: "):
            if self._stop.wait(1.0):
                return
            for connection in self.sockets:
                try:
                    connection.send(bytes([byte]))
                except OSError:
                    pass

    def _watch(self):
        for connection in self.sockets:
            try:
                while connection.recv(1024):
                    pass
            except OSError:
                pass
            self.closed_after.append(time.monotonic() - self.started)

    def wait_closed(self, seconds: float) -> None:
        self._watching.join(seconds)

    def close(self):
        self._stop.set()
        for connection in self.sockets:
            connection.close()


@pytest.mark.slow
def test_a_slow_client_does_not_stop_the_class_and_is_cut_off_at_the_header_deadline(app, monkeypatch):
    monkeypatch.setattr(server_module, "HEADER_SECONDS", 5.0)  # 10 s in real life
    deadline = server_module.HEADER_SECONDS + 2 * server_module.CHECK_SECONDS
    names = [f"Học viên {number:02d}" for number in range(PCS)]
    with serving(app) as server:
        hostile = Slowloris(server.port, server_module.PER_CLIENT_CONNECTIONS)
        try:
            errors, acknowledged, slowest = class_at_work(server, names)
            hostile.wait_closed(deadline + 10)
        finally:
            hostile.close()
    assert errors == [] and sum(acknowledged.values()) == PCS * VISITS
    assert slowest < server_module.HEADER_SECONDS  # nobody waited for the slow client's deadline
    assert launched_by_name(services(app).paths.root) == acknowledged
    assert len(hostile.closed_after) == server_module.PER_CLIENT_CONNECTIONS
    assert max(hostile.closed_after) < deadline + 1  # one check interval late at most, and some slack


@pytest.mark.slow
def test_thirty_pcs_taking_one_name_at_once_make_one_profile(app):
    statuses = Counter()
    with serving(app) as server:
        browsers = [Browser(server, f"127.0.0.{10 + number}") for number in range(PCS)]
        for browser in browsers:
            browser.status_and_text("/learners/new")
        barrier = threading.Barrier(PCS)

        def take(browser):
            barrier.wait()
            statuses[browser.status_and_text("/learners/new", {"name": "Nguyễn Văn An", "kind": "none",
                                                               "csrf_token": browser.token})[0]] += 1

        threads = [threading.Thread(target=take, args=(browser,)) for browser in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == {200: 1, 422: PCS - 1}  # names tell learners apart: the others are told it is taken
    on_disk = Store(DataPaths(services(app).paths.root)).learners.learners()
    assert [row["name"] for row in on_disk] == ["Nguyễn Văn An"]


@pytest.mark.slow
def test_done_pressed_at_once_on_many_pcs_is_recorded_once(app):
    learner = app.test_client()
    learner_id = learner.sign_in("Lan")
    for lesson in LESSONS[:-1]:
        assert learner.post(f"/courses/mini/lessons/{lesson}/done").status_code == 303
    cookie, token = learner.get_cookie("session"), learner.csrf_token()
    clients = [app.test_client() for _ in range(THREADS)]
    for client in clients:  # the same learner signed in on every PC (or a double click)
        client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    barrier = threading.Barrier(THREADS)

    def press(client):
        barrier.wait()
        done = client.post(f"/courses/mini/lessons/{LESSONS[-1]}/done", headers={"X-CSRFToken": token})
        assert done.status_code == 303

    threads = [threading.Thread(target=press, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    completed = Counter(parse_activity(statement["object"]["id"]).lesson_id
                        for statement in Store(DataPaths(services(app).paths.root)).learners.statements(learner_id)
                        if verb_name(statement) == "completed")
    assert completed == {**{lesson: 1 for lesson in LESSONS}, None: 1}  # each lesson once, and the course once
