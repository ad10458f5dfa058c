// Signed-in pages: time spent in lessons and sign-out after inactivity (progressive enhancement; the
// server keeps its own inactivity check and counts time between page views without this script).
"use strict";
(() => {
  const BEAT_MS = 30000;
  const body = document.body;
  const idleMs = Number(body.dataset.idleSeconds || 0) * 1000;
  const token = document.querySelector('input[name="csrf_token"]');
  const visit = document.getElementById("visit");
  let lastInput = Date.now();
  let inputSinceBeat = false;

  const touched = () => { lastInput = Date.now(); inputSinceBeat = true; };
  for (const name of ["pointerdown", "pointermove", "keydown", "scroll", "wheel", "touchstart"]) {
    window.addEventListener(name, touched, { passive: true, capture: true });
  }

  const post = (url, data) => fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
    body: JSON.stringify(data),
  });

  const signOut = () => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = body.dataset.signOut;
    for (const [name, value] of [["csrf_token", token ? token.value : ""], ["reason", "idle"]]) {
      const field = document.createElement("input");
      field.type = "hidden"; field.name = name; field.value = value;
      form.appendChild(field);
    }
    document.body.appendChild(form);
    form.submit();
  };

  if (idleMs > 0 && body.dataset.signOut) {
    setInterval(() => { if (Date.now() - lastInput > idleMs) signOut(); }, 5000);
  }

  // A lesson page reports itself (a POST with the page's CSRF token: an image tag asking for the lesson
  // records nothing), and again when the browser shows it from its back/forward cache.
  if (visit && visit.dataset.open) {
    let visitId = "";
    const open = () => post(visit.dataset.open, {})
      .then((response) => (response.ok ? response.json() : {}))
      .then((answer) => { visitId = answer.visit || ""; })
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
