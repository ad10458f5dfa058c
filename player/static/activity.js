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

  if (visit && visit.dataset.visit) {
    const beat = () => {
      if (document.visibilityState !== "visible") return;
      const active = inputSinceBeat;
      inputSinceBeat = false;
      post(visit.dataset.beat, { visit: visit.dataset.visit, active })
        .then((response) => { if (response.status === 401) window.location.assign("/"); })
        .catch(() => {});  // the server may be restarting; the next beat tries again
    };
    setInterval(beat, BEAT_MS);
    window.addEventListener("pagehide", () => {
      const data = new FormData();
      data.append("csrf_token", token ? token.value : "");
      data.append("visit", visit.dataset.visit);
      navigator.sendBeacon(visit.dataset.end, data);
    });
  }
})();
