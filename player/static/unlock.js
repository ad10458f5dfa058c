// The PIN / picture-code page while wrong tries lock it (progressive enhancement: without this script the
// page reloads itself when the lock ends): count down, keep the form disabled until then, then open it and
// say so.
"use strict";
(() => {
  for (const box of document.querySelectorAll(".lockout[data-wait]")) {
    const fields = document.getElementById(box.dataset.fields);
    const wait = box.querySelector(".lock-wait");
    const ready = box.querySelector(".lock-ready");
    const until = Date.now() + Number(box.dataset.wait) * 1000;
    const shown = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    const tick = () => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      wait.textContent = wait.dataset.template.replace("{time}", shown(left));
      if (left > 0) return;
      clearInterval(timer);
      wait.hidden = true;
      fields.disabled = false;
      ready.textContent = ready.dataset.text;
      const first = fields.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    };
    const timer = setInterval(tick, 250);
    tick();
  }
})();
