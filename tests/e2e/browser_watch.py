"""Watching a page in the browser tests: every request, console message, error and dialog, CSP violations
made visible, and checks that images and charts really rendered; shared by the end-to-end tests."""

import base64
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

# Turns every CSP violation (also report-only ones, which block nothing) into a console error.
# Playwright injects init scripts through the DevTools protocol, so the page's CSP does not stop it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                + ` at ${event.sourceFile || document.URL}:${event.lineNumber}`);
});
"""

# The browser cancels the fetches of a page's icon, scripts and styles when the learner moves on to the next
# page before they finished (a quick form post does): a cancelled file of the player's own static folder is
# the browser's choice, not a failure of the player (a missing one still fails, with its HTTP status).
STATIC_PREFIX = "/static/"


def static_cancelled(request) -> bool:
    return urlsplit(request.url).path.startswith(STATIC_PREFIX) and request.failure == "net::ERR_ABORTED"


@dataclass
class Watch:
    """What a page did while the test drove it."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # every console message, of any type
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # alert, confirm, prompt (each dismissed)

    def off_loopback(self, port: int) -> list[str]:
        """Requests to anything but our own server (data: and blob: URLs stay in the page)."""
        def local(url: str) -> bool:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                return True
            return parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.port == port
        return [url for url in self.requests if not local(url)]

    def off_machine(self) -> list[str]:
        """Requests leaving this computer: anything but file:, data:, blob:, about: and 127.0.0.1."""
        def local(url: str) -> bool:
            parts = urlsplit(url)
            return parts.scheme in ("file", "data", "blob", "about") or parts.hostname == "127.0.0.1"
        return [url for url in self.requests if not local(url)]


def watch(page: Page) -> Watch:
    """Record what the page does from now on (requests, console, errors, dialogs)."""
    seen = Watch()
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: seen.console.append(message.text))
    page.on("dialog", lambda dialog: (seen.dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))
    page.on("requestfailed", lambda request: not static_cancelled(request)
            and seen.failed.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400
            and seen.failed.append(f"{response.url}: HTTP {response.status}"))
    page.on("console", lambda message: message.type == "error"
            and seen.console_errors.append(f"{message.text} ({message.location.get('url')})"))
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    return seen


def assert_image_rendered(page: Page, selector: str) -> None:
    """The image is on the page, finished loading and decoded to real pixels."""
    image = page.locator(selector)
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=image.element_handle(), timeout=5_000)
    width, height = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert width > 0 and height > 0, f"{selector} did not render ({width}×{height})"


# Draws a PNG (base64) onto a canvas and returns the share of pixels that are not plain white.
_PAINTED_SHARE = """
async (png) => {
  const image = new Image();
  image.src = "data:image/png;base64," + png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  let painted = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) painted++;
  }
  return painted / (pixels.length / 4);
}
"""


def painted_share(page: Page, png: bytes) -> float:
    """How much of a screenshot is not blank (0..1), measured by the browser on a blank page of its own."""
    scratch = page.context.new_page()
    try:
        return scratch.evaluate(_PAINTED_SHARE, base64.b64encode(png).decode("ascii"))
    finally:
        scratch.close()
