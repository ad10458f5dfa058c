"""Several PCs on one player (LAN mode): 20 threads record 100 events each through the Flask app, for
one shared learner and for 20 different learners; exactly 2,000 records must be stored."""

import threading
from collections import Counter

import pytest

from player.paths import DataPaths
from player.store import Store
from player.web.services import services
from player.xapi.vocabulary import verb_name

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
