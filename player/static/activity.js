// Signed-in pages: time spent in lessons (progressive enhancement; the server counts time between page
// views without this script). Sign-out after inactivity, with its warning, is idle.js.
"use strict";
(() => {
  const BEAT_MS = 30000;
  const token = document.querySelector('input[name="csrf_token"]');
  const visit = document.getElementById("visit");
  let inputSinceBeat = false;

  const touched = () => { inputSinceBeat = true; };
  for (const name of ["pointerdown", "pointermove", "keydown", "scroll", "wheel", "touchstart"]) {
    window.addEventListener(name, touched, { passive: true, capture: true });
  }

  const post = (url, data) => fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
    body: JSON.stringify(data),
  });

  // A lesson page reports itself (a POST with the page's CSRF token: an image tag asking for the lesson
  // records nothing), and again when the browser shows it from its back/forward cache.
  if (visit && visit.dataset.open) {
    let visitId = "";
    const status = document.getElementById("progress-status");
    const open = () => post(visit.dataset.open, {})
      .then((response) => response.json().then((answer) => {
        visitId = response.ok ? answer.visit || "" : "";
        if (status && answer.error === "not_saved") {  // a full disk: the lesson stays, the reason shows
          status.textContent = answer.message;
          status.hidden = false;
        }
      }))
      .catch(() => {});  // the server may be restarting: the page is still there to read
    const beat = () => {
      if (!visitId || document.visibilityState !== "visible") return;
      const active = inputSinceBeat;
      inputSinceBeat = false;
      post(visit.dataset.beat, { visit: visitId, active })
        .then((response) => { if (response.status === 401) window.location.assign("/"); })
        .catch(() => {});  // the server may be restarting; the next beat tries again
    };
    open();
    setInterval(beat, BEAT_MS);
    window.addEventListener("pageshow", (event) => { if (event.persisted) open(); });
    window.addEventListener("pagehide", () => {
      if (!visitId) return;
      const data = new FormData();
      data.append("csrf_token", token ? token.value : "");
      data.append("visit", visitId);
      navigator.sendBeacon(visit.dataset.end, data);
      visitId = "";
    });
  }
})();
