"""The accessibility gate (issue 17 #25): axe-core, loaded into Debian's chromium, checks every page of the
player and the trainers' report against WCAG 2.2 A and AA, in Vietnamese and in English, at 1024×768.
Any violation fails the test, listed with the page, the rule and the elements."""

import os
import socket
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from support.pages import ADMIN_PIN

from builder.build import build
from player.cli import main as player_main
from player.learners import credentials
from player.learners.profiles import secret_fields
from player.paths import DataPaths
from player.store import Store
from player.transfer import held as holding
from player.transfer import moving
from player.web.services import services

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
QUIZ = ROOT / "tests" / "fixtures" / "courses" / "quiz"
VIEWPORT = {"width": 1024, "height": 768}
SCREENSHOTS = Path(os.environ.get("TRAMHOC_SCREENSHOTS", "/tmp/tramhoc-screenshots"))


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        reason = f"{AXE} is missing: run scripts/setup test (npm ci installs axe-core)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def violations(page, axe_source: str) -> list[str]:
    """What axe finds on the page now, one line per rule: `rule (impact): selectors`."""
    page.evaluate(axe_source)  # evaluated through the DevTools protocol: the page's CSP does not apply
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{rule['id']} ({rule['impact']}): " + ", ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
            for rule in found["violations"]]


@pytest.fixture(scope="module")
def centre(tmp_path_factory, publisher_key, signed_bundle, content_bundle, mini_bundle, signed_narration_bundle):
    """A centre with courses, learners (one with a PIN), progress, a finished course, a test taken, an upload
    waiting for the admin, the admin PIN set, and a trainers' report built from its export."""
    from player.app import create_app

    root = tmp_path_factory.mktemp("a11y")
    quiz = build(QUIZ, root / "dist", use_cache=False, signer=publisher_key)
    app = create_app(root / "data", {"TESTING": True})
    made = services(app)
    made.trust.add(publisher_key.public)
    for bundle in (signed_bundle, quiz, content_bundle("dich-vu-cong"), signed_narration_bundle):
        made.library.install(bundle)
    made.store.settings.update(admin_pin=credentials.hash_secret("admin", ADMIN_PIN), centre_name="Xã Tân Lập",
                                lan_mode=True)  # the LAN mode page shows the address and its QR code
    with_pin = made.store.learners.create({"name": "Trần Thị Hoa", "colour": 1, "created": "2025-10-01T00:00:00Z",
                                           "last_seen": None, **secret_fields("pin", "2468")})
    without_code = made.store.learners.create({"name": "Phạm Văn Nam", "colour": 2, "created": "2025-10-02T00:00:00Z",
                                               "last_seen": None, **secret_fields(None, None)})
    locked = made.store.learners.create({"name": "Vũ Thị Mơ", "colour": 3, "created": "2025-10-03T00:00:00Z",
                                         "last_seen": None, **secret_fields("pin", "1357"), "failures": 5,
                                         "locked_until": 4e9})  # the third lock-out, for a long while
    with open(mini_bundle, "rb") as unsigned:
        waiting = made.approvals.hold(unsigned)
    elsewhere = Store(DataPaths(root / "elsewhere"))  # another centre's learners file, held for import
    elsewhere.settings.update(centre_name="Phường Hòa Bình")
    moved = elsewhere.learners.create({"name": "Đặng Văn Tú", "colour": 4, "created": "2025-11-01T00:00:00Z",
                                       "last_seen": None, **secret_fields(None, None)})
    with moving.export_learners(elsewhere, [moved["id"]], root / "usb").open("rb") as learners_file:
        held = holding.hold(made.paths, learners_file, "hoa-binh.tramhoc-learners")
    return {"root": root, "data": root / "data", "pin_learner": with_pin["id"], "learner": without_code["id"],
            "locked": locked["id"],
            "waiting": waiting.id, "held": held.id}


def learner_pages(base: str, page, name: str) -> list[tuple[str, str]]:
    """Walk a new learner's way through the player; (name, url) of every page seen."""
    seen = [("start", f"{base}/learners/"), ("new learner", f"{base}/learners/new")]
    page.goto(f"{base}/learners/new")
    page.locator("#name").fill(name)
    page.locator("form.profile-form button[type=submit]").click()
    seen += [("library", f"{base}/"), ("contents", f"{base}/courses/mini/"),
             ("lesson", f"{base}/courses/mini/lessons/gioi-thieu"),
             ("lesson with narration", f"{base}/courses/nghe-thu/lessons/loi-chao"),
             ("test", f"{base}/courses/quiz-mau/lessons/on-tap"),
             ("self-check lesson", f"{base}/courses/quiz-mau/lessons/tu-kiem-tra"),
             ("self-check hint", f"{base}/courses/quiz-mau/lessons/tu-kiem-tra?unanswered=tu-kiem-tra-ten-mien"),
             ("search", f"{base}/search?q=ma+otp"), ("not found", f"{base}/courses/nope/"),
             ("leaving for another site, offline", f"{base}/leave?to=https%3A%2F%2Fdichvucong.gov.vn%2F")]
    for lesson in ("gioi-thieu", "dang-nhap", "ky-so"):
        page.goto(f"{base}/courses/mini/lessons/{lesson}")
        page.locator("form.lesson-done button").click()
    seen.append(("certificate", f"{base}/courses/mini/certificate"))
    page.goto(f"{base}/courses/quiz-mau/lessons/on-tap")
    page.locator("form#quiz button[type=submit]").last.click()
    page.locator("form.quiz-confirm button[type=submit]").click()
    seen.append(("test results", page.url))
    page.goto(f"{base}/courses/quiz-mau/lessons/on-tap")  # a second attempt, left at its summary
    page.locator('input[name="a-ten-goi"]').fill("chữ ký số")
    page.locator("form#quiz button[type=submit]").last.click()
    seen.append(("test submit summary", page.url))
    practice = f"{base}/courses/dich-vu-cong/lessons/nop-ho-so/practice/nop-ho-so-tam-tru"
    seen += [("practice lesson", f"{base}/courses/dich-vu-cong/lessons/nop-ho-so"), ("practice start", practice)]
    page.goto(practice)
    page.locator(".practice-start button[type=submit]").click()
    page.locator(".step-form button[type=submit]").click()  # nothing chosen: a mistake, with its hint
    seen.append(("practice step with a hint", practice))
    return seen


def admin_pages(base: str, page, centre) -> list[tuple[str, str]]:
    page.goto(f"{base}/admin/")
    seen = [("admin sign-in", f"{base}/admin/")]
    page.locator("input[name=pin]").fill(ADMIN_PIN)
    page.locator("form[action$='/admin/sign-in'] button").click()
    learner = centre["pin_learner"]
    seen += [("admin home", f"{base}/admin/"), ("admin learners", f"{base}/admin/learners"),
             ("admin courses", f"{base}/admin/courses"), ("admin course", f"{base}/admin/courses/mini"),
             ("admin settings", f"{base}/admin/settings"), ("admin learner", f"{base}/admin/learners/{learner}"),
             ("admin confirm", f"{base}/admin/learners/{learner}/delete"),
             ("publishers", f"{base}/admin/publishers/"), ("results", f"{base}/admin/results/"),
             ("sync", f"{base}/admin/results/sync"), ("move learners", f"{base}/admin/move/"),
             ("move learners: check before importing", f"{base}/admin/move/import/{centre['held']}"),
             ("LAN mode", f"{base}/admin/lan/"), ("install review", f"{base}/install/{centre['waiting']}"),
             ("unlock (PIN)", f"{base}/learners/{learner}/unlock"),
             ("is this you?", f"{base}/learners/{centre['learner']}/"),
             ("unlock (locked, ask the staff)", f"{base}/learners/{centre['locked']}/unlock")]
    return seen


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_passes_wcag_22_a_and_aa(language, browser: Browser, centre, axe_source, player_server,
                                           tmp_path):
    problems = []
    with closing(socket.socket()) as unused:
        unused.bind(("127.0.0.1", 0))
        offline = {"ONLINE_PROBE": ("127.0.0.1", unused.getsockname()[1])}  # nothing listens there
    with player_server(centre["data"], offline) as server:
        base = server.url.rstrip("/")
        for walk in (learner_pages, admin_pages):
            context = browser.new_context(viewport=VIEWPORT, locale=language)
            context.add_cookies([{"name": "tramhoc_lang", "value": language, "url": base}])
            page = context.new_page()
            pages = walk(base, page, f"Lê Minh {language}") if walk is learner_pages else walk(base, page, centre)
            for name, url in pages:
                page.goto(url)
                problems += [f"{name} {url}: {line}" for line in violations(page, axe_source)]
            context.close()
    export = tmp_path / "usb"
    assert player_main(["--data", str(centre["data"]), "export", "--out", str(export)]) == 0
    assert player_main(["report", str(export), "-o", str(tmp_path / "report"), "--lang", language]) == 0
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto((tmp_path / "report" / "index.html").as_uri())
    problems += [f"report: {line}" for line in violations(page, axe_source)]
    context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("language", ["vi", "en"])
def test_large_text_and_high_contrast_pass_too(language, browser: Browser, centre, axe_source, player_server):
    """Issue 17 #23: the reading-comfort variants of a lesson (and of the pages around it) pass the same gate."""
    problems = []
    with player_server(centre["data"]) as server:
        base = server.url.rstrip("/")
        context = browser.new_context(viewport=VIEWPORT, locale=language)
        context.add_cookies([{"name": "tramhoc_lang", "value": language, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/learners/new")
        page.locator("#name").fill(f"Đỗ Thị Comfort {language}")
        page.locator("form.profile-form button[type=submit]").click()
        for size in ("large", "larger"):
            page.goto(f"{base}/courses/mini/lessons/dang-nhap")
            page.locator(f"form.comfort button[value={size}]").click()
            if "high-contrast" not in (page.locator("html").get_attribute("class") or ""):
                page.locator("form.comfort button.contrast").click()
            for name, url in (("lesson", f"{base}/courses/mini/lessons/dang-nhap"), ("library", f"{base}/"),
                              ("test", f"{base}/courses/quiz-mau/lessons/on-tap"),
                              ("practice", f"{base}/courses/dich-vu-cong/lessons/nop-ho-so")):
                page.goto(url)
                assert page.locator("html").get_attribute("class") == f"text-{size} high-contrast"
                problems += [f"{name} (text {size}, high contrast) {url}: {line}"
                             for line in violations(page, axe_source)]
        page.locator("form.comfort button.contrast").click()  # large text alone, in the usual colours
        page.goto(f"{base}/courses/mini/lessons/dang-nhap")
        assert page.locator("html").get_attribute("class") == "text-larger"
        problems += [f"lesson (text larger) : {line}" for line in violations(page, axe_source)]
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_report_from_an_lrs_passes_too(language, browser: Browser, axe_source, stub, tmp_path):
    """Issue 19 #5: the report read straight from an LRS, with its section on where the records came from."""
    from support.centres import scenario
    from support.stub_lrs import reply

    first, added, device_b = scenario()
    listed = [{**statement, "stored": "2025-10-10T03:00:00.000Z"} for statement in first + added + device_b]
    lrs = stub(lambda request: reply(200, {"statements": listed}))
    out = tmp_path / "report"
    assert player_main(["report", "--lrs", lrs.endpoint, "--user", "u", "--password", "p", "-o", str(out),
                        "--lang", language, "--since", "2025-10-01"]) == 0
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto((out / "index.html").as_uri())
    section = page.locator("section#lrs")
    section.scroll_into_view_if_needed()
    assert lrs.endpoint in section.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"report-lrs-{language}-1024x768.png"))
    problems = [f"report from an LRS: {line}" for line in violations(page, axe_source)]
    context.close()
    assert problems == [], "\n".join(problems)
