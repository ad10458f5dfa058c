// Sign-out after inactivity, with a warning first (progressive enhancement; the server keeps its own
// inactivity check): a minute before the centre's timeout (half-way for a timeout of two minutes or less)
// a dialog asks "Bạn vẫn đang học chứ?"; its large Continue button tells the player the learner is here.
// Without an answer the learner is signed out when the time is up.
"use strict";
(() => {
  const body = document.body;
  const idleMs = Number(body.dataset.idleSeconds || 0) * 1000;
  const dialog = document.getElementById("idle-warning");
  if (!(idleMs > 0) || !body.dataset.signOut || !dialog) return;
  const warnMs = idleMs > 120000 ? idleMs - 60000 : idleMs / 2;
  const token = document.querySelector('input[name="csrf_token"]');
  const left = dialog.querySelector(".idle-left");
  let lastInput = Date.now();

  const touched = () => { if (!dialog.open) lastInput = Date.now(); };
  for (const name of ["pointerdown", "pointermove", "keydown", "scroll", "wheel", "touchstart"]) {
    window.addEventListener(name, touched, { passive: true, capture: true });
  }

  let leaving = false;
  const signOut = () => {
    if (leaving) return;  // once: the timer may fire again before the page goes
    leaving = true;
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

  const stay = () => {
    lastInput = Date.now();
    if (dialog.open) dialog.close();
    fetch(dialog.dataset.stillHere, {  // the server counts this as activity too
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token ? token.value : "" },
    }).catch(() => {});
  };
  dialog.querySelector("button").addEventListener("click", stay);
  dialog.addEventListener("cancel", (event) => { event.preventDefault(); stay(); });  // Escape

  setInterval(() => {
    const idle = Date.now() - lastInput;
    if (idle >= idleMs) {
      signOut();
    } else if (idle >= warnMs) {
      const seconds = Math.ceil((idleMs - idle) / 1000);
      const time = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      left.textContent = left.dataset.template.replace("{time}", time);
      if (!dialog.open) dialog.showModal();
    }
  }, 1000);
})();
