"""A stand-in LMS for the SCORM tests: the scorm-again runtime (npm package, installed by `scripts/setup
test` into tests/e2e/scorm/node_modules) as `window.API` in a page that launches an exported package's SCO
in a frame, served with the package from one loopback origin (a SCO finds its API in its parent window).

`launch(saved)` starts a session, with what an LMS keeps between sessions (see `kept`); `close()` unloads
the SCO (it then calls LMSFinish) and returns what the runtime recorded. Every LMSSetValue of the SCO is
logged with its result and error code.
"""

import functools
import shutil
import threading
import zipfile
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SCORM_AGAIN = Path(__file__).resolve().parent / "scorm" / "node_modules" / "scorm-again"
RUNTIME = SCORM_AGAIN / "dist" / "scorm12.js"

HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stand-in LMS (scorm-again)</title>
<link rel="icon" href="data:,">
<script src="scorm12.js"></script>
<script>
window.setCalls = [];
window.launch = (saved) => {
  window.API = new Scorm12API({ autocommit: false, logLevel: 4 });
  if (saved) window.API.loadFromJSON(saved);
  const set = window.API.LMSSetValue.bind(window.API);
  window.API.LMSSetValue = (element, value) => {
    const result = set(element, value);
    window.setCalls.push({ element, value, result, error: String(window.API.LMSGetLastError()) });
    return result;
  };
  const frame = document.createElement("iframe");
  frame.id = "sco";
  frame.src = "package/index.html";
  frame.style.cssText = "width: 100%; height: 92vh; border: 0";
  document.body.append(frame);
};
window.close = () => new Promise((done) => {
  const frame = document.getElementById("sco");
  frame.addEventListener("load", () => {
    frame.remove();
    done({ cmi: window.API.renderCMIToJSONObject().cmi, terminated: window.API.isTerminated() });
  }, { once: true });
  frame.src = "about:blank";
});
</script></head><body></body></html>
"""


def kept(cmi: dict) -> dict:
    """What an LMS gives the SCO's next session: the learner's place, status, score and interactions, and
    `entry: resume` after an exit with `suspend`."""
    core = cmi["core"]
    return {"core": {"student_id": core["student_id"], "student_name": core["student_name"],
                     "lesson_location": core["lesson_location"], "lesson_status": core["lesson_status"],
                     "score": core["score"], "entry": "resume" if core["exit"] == "suspend" else ""},
            "suspend_data": cmi["suspend_data"], "interactions": cmi["interactions"]}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def lms_site(package: Path, folder: Path):
    """The stand-in LMS page and the unpacked package on 127.0.0.1; yields the page's URL."""
    shutil.copy(RUNTIME, folder / "scorm12.js")
    (folder / "lms.html").write_text(HARNESS, encoding="utf-8")
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder / "package")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/lms.html"
    finally:
        server.shutdown()
        server.server_close()
