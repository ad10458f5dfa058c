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
