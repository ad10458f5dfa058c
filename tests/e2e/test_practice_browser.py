"""Practice simulations in Debian's chromium at 1024×768: a learner goes through each kind with deliberate
mistakes (a real-looking ID number refused, hints growing to the answer, three wrong PINs, a scam taken for
safe), partly with the keyboard alone, finishes, finds the practices done in their progress and in the
report built from an export. Screenshots of each kind go to docs/images/ for the authoring guide. Nothing
leaves 127.0.0.1, no console error, no Content-Security-Policy violation."""

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_watch import painted_share, watch
from PIL import Image, ImageChops  # through fpdf2, a dependency of the player (certificates)
from playwright.sync_api import Page, expect

from player.app import create_app
from player.results.export import export_results
from player.results.report import build_report
from player.web.services import services

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
COURSE = "thuc-hanh-mau"
BAND = "MÔ PHỎNG – không phải trang thật"


@pytest.fixture
def practice_server(tmp_path, signed_practice_bundle, publisher_key, install_bundle, player_server):
    data = install_bundle(tmp_path / "data", signed_practice_bundle, publisher_key)
    with player_server(data) as server:
        yield server, data


def check(page: Page) -> None:
    page.get_by_role("button", name="Kiểm tra →").click()


def hint(page: Page):
    return page.locator(".practice-field.wrong .hint")


def shoot(page: Page, name: str) -> None:
    """The screen as a learner sees it at 1024×768, for docs/authoring.md; written when it looks different
    (a few pixels of anti-aliasing that change from run to run do not count)."""
    png = page.screenshot()
    assert painted_share(page, png) > 0.05
    target = IMAGES / f"practice-{name}.png"
    if not (target.is_file() and looks_the_same(target.read_bytes(), png)):
        IMAGES.mkdir(exist_ok=True)
        target.write_bytes(png)


def looks_the_same(old: bytes, new: bytes, tolerance: float = 0.002) -> bool:
    """Two screenshots of one size whose pixels differ in at most `tolerance` of the picture."""
    with Image.open(io.BytesIO(old)) as before, Image.open(io.BytesIO(new)) as after:
        if before.size != after.size:
            return False
        changed = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).convert("L").point(
            lambda value: 255 if value > 24 else 0).histogram()[255]
        return changed <= tolerance * before.size[0] * before.size[1]


def open_practice(page: Page, base: str, lesson: str, title: str) -> None:
    page.goto(f"{base}/courses/{COURSE}/lessons/{lesson}")
    card = page.locator(".practice-card", has_text=title)
    card.get_by_role("link", name="Mở bài thực hành").click()
    expect(page.locator(".practice-band")).to_have_text(BAND)
    page.get_by_role("button", name="Bắt đầu thực hành").click()


def portal(page: Page, base: str) -> None:
    open_practice(page, base, "tam-tru", "Đăng ký tạm trú trực tuyến")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập bằng tài khoản định danh điện tử")
    expect(page.locator(".step-count")).to_have_text("Bước 1 / 6")
    number = page.get_by_label("Số định danh cá nhân", exact=True)
    number.fill("079203004512")  # a real-looking ID, not the scenario's
    check(page)
    expect(page.locator(".flash-error")).to_contain_text("Đừng nhập số định danh thật của bạn ở đây")
    expect(number).to_have_value("")
    number.fill("12345")
    check(page)
    expect(hint(page)).to_have_text("Gợi ý: Số định danh ghi trên thẻ tình huống, gồm 12 chữ số.")
    page.get_by_label("Số định danh cá nhân", exact=True).fill("001099012345")
    check(page)
    # The OTP arrives on the drawn phone; three mistakes: the author's hint, a stronger one, the answer.
    expect(page.locator(".drawn-phone")).to_contain_text("Mã OTP đăng nhập của bạn là 482913")
    for expected in ("Gợi ý: Mã OTP vừa gửi đến điện thoại bên cạnh.",
                     "Gợi ý rõ hơn: Bắt đầu bằng “48” và có 6 ký tự.", "Đáp án: 482913"):
        page.get_by_label("Mã OTP", exact=True).fill("111111")
        check(page)
        expect(hint(page)).to_have_text(expected)
    page.get_by_label("Mã OTP", exact=True).fill("482913")
    check(page)
    # Find the procedure with the keyboard alone: the first choice has the focus, arrows move, Enter checks.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tìm thủ tục")
    expect(page.get_by_label("Đăng ký thường trú", exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Đăng ký tạm trú", exact=True)).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tờ khai thay đổi thông tin cư trú")
    page.get_by_label("Họ và tên", exact=True).fill("Lò Văn Pà")
    page.get_by_label("Tạm trú từ ngày", exact=True).fill("05/08/2025")  # the wrong month
    check(page)
    expect(page.locator(".field-ok")).to_have_count(1)
    expect(page.get_by_label("Họ và tên", exact=True)).to_have_value("Lò Văn Pà")
    expect(hint(page)).to_have_text("Gợi ý: Ngày bắt đầu tạm trú ghi trên thẻ tình huống.")
    page.set_viewport_size({"width": 1024, "height": 768})
    shoot(page, "thu-tuc")
    page.get_by_role("button", name="← Quay lại").click()  # back, as on a real portal, and on again
    expect(page.get_by_label("Đăng ký tạm trú", exact=True)).to_be_checked()
    check(page)
    page.get_by_label("Tạm trú từ ngày", exact=True).fill("05/09/2025")
    check(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đính kèm giấy tờ")
    page.get_by_label("hop-dong-thue-nha.pdf").check()
    check(page)
    expect(page.locator(".message-text")).to_contain_text("Mã hồ sơ: H45.22-250905-0017")
    page.get_by_label("Ghi lại mã hồ sơ", exact=True).fill("H45.22-250905-0017")
    check(page)
    expect(page.locator(".flash-success").last).to_have_text(
        "Bạn đã hoàn thành bài thực hành này. Số lỗi: 5, số gợi ý: 5.")
    expect(page.locator(".tick-line")).to_have_text("✓ Bạn đã hoàn thành bài thực hành này.")


def signing(page: Page, base: str) -> None:
    open_practice(page, base, "ky-so", "Ký số đơn đề nghị")
    page.get_by_label("don-de-nghi.pdf").check()
    check(page)
    for _ in range(3):
        page.get_by_label("Mã PIN", exact=True).fill("000000")
        check(page)
    expect(page.locator(".locked")).to_contain_text("Nhập sai mã PIN ba lần")
    expect(page.get_by_label("Mã PIN", exact=True)).to_have_attribute("type", "password")
    shoot(page, "ky-so")
    page.get_by_label("Mã PIN", exact=True).fill("246810")
    check(page)
    page.get_by_label("Tin cậy", exact=True).check()  # a file changed after signing, trusted: a mistake
    check(page)
    expect(hint(page)).to_contain_text("Tệp bị sửa sau khi ký")
    page.get_by_label("Không tin cậy", exact=True).check()
    check(page)
    expect(page.locator(".tick-line")).to_have_text("✓ Bạn đã hoàn thành bài thực hành này.")


def messages(page: Page, base: str) -> None:
    open_practice(page, base, "lua-dao", "Tin nhắn nào là lừa đảo?")
    expect(page.locator(".message-call")).to_contain_text("Người tự xưng cán bộ công an")
    page.keyboard.press("Space")  # the first choice has the focus: "An toàn", the wrong mark
    page.keyboard.press("Enter")
    expect(hint(page)).to_have_text("Gợi ý: Cơ quan nhà nước không bao giờ hỏi mã OTP.")
    shoot(page, "tin-nhan")
    page.get_by_label("Lừa đảo", exact=True).check()
    check(page)
    expect(page.locator(".flash-success")).to_contain_text("Không ai được hỏi mã OTP của bạn")
    page.get_by_label("An toàn", exact=True).check()
    check(page)
    expect(page.locator(".tick-line")).to_have_text("✓ Bạn đã hoàn thành bài thực hành này.")


@pytest.mark.browser
def test_a_learner_rehearses_each_kind_and_finds_them_in_progress_and_the_report(page: Page, practice_server,
                                                                              tmp_path):
    server, data = practice_server
    seen = watch(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    base = server.url.rstrip("/")
    page.goto(base + "/learners/new")
    page.get_by_label("Tên của bạn", exact=True).fill("Lò Thị Học")
    page.get_by_role("button", name="Tạo hồ sơ và bắt đầu học").click()

    portal(page, base)
    signing(page, base)
    messages(page, base)

    page.goto(f"{base}/courses/{COURSE}/")  # in the learner's progress: each practice completed its lesson
    expect(page.locator("li.done")).to_have_count(3)
    page.goto(f"{base}/courses/{COURSE}/lessons/lua-dao")
    expect(page.locator(".practice-card .tick-line")).to_have_text("✓ Bạn đã hoàn thành bài thực hành này.")
    assert seen.off_loopback(urlsplit(server.url).port) == []
    assert seen.console_errors == [] and seen.page_errors == [] and seen.failed == []

    exported = export_results(services(create_app(data)).statements, tmp_path / "usb")
    assert "079203004512" not in exported.path.read_text(encoding="utf-8")
    build_report([tmp_path / "usb"], tmp_path / "report")
    page.goto((tmp_path / "report" / "index.html").as_uri())
    practices = page.locator("section#practices")
    for title in ("Đăng ký tạm trú trực tuyến", "Ký số đơn đề nghị", "Tin nhắn nào là lừa đảo?"):
        expect(practices.get_by_role("row", name=title)).to_contain_text("100")
    steps = page.locator("section#practice_steps tbody tr td:nth-child(3)")  # most hints first: 3 each
    assert sorted(steps.all_inner_texts()[:2]) == ["Nhập mã OTP", "Nhập mã PIN của thiết bị ký số"]
