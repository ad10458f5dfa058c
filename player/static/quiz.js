// Quiz forms (progressive enhancement; every question works without this script):
// ordering questions get Move up / Move down buttons and keep their position numbers 1…n in step with the
// list (and start in the order the learner had left them); self-checks are checked in place; a form is not sent twice by a double click (the
// server refuses a second recording anyway). In a test, Enter in an answer box does nothing (without this
// script it leads to the summary, never straight to submitting), and the answers are saved as a draft on
// the player while the learner works, so that a reload or a sign-out loses nothing.
"use strict";
(() => {
  const renumber = (list) => {
    list.querySelectorAll(":scope > li").forEach((item, index) => {
      item.querySelector("select").value = String(index + 1);
    });
  };

  const move = (item, offset) => {
    const list = item.parentElement;
    const sibling = offset < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    list.insertBefore(item, offset < 0 ? sibling : sibling.nextElementSibling);
    renumber(list);
  };

  const button = (text, symbol, onClick) => {
    const made = document.createElement("button");
    made.type = "button";
    made.className = "step-move";
    made.textContent = symbol;
    made.title = text;
    made.setAttribute("aria-label", text);
    made.addEventListener("click", onClick);
    return made;
  };

  const enhanceOrdering = (root) => {
    for (const list of root.querySelectorAll("ol.ordering")) {
      const items = [...list.querySelectorAll(":scope > li")];
      const position = (item) => Number(item.querySelector("select").value);
      if (items.some((item, index) => position(item) !== index + 1)) {  // a saved order, shown back
        items.map((item, index) => [item, position(item), index])
          .sort((a, b) => a[1] - b[1] || a[2] - b[2])
          .forEach(([item]) => list.append(item));
        renumber(list);
      }
      for (const item of list.querySelectorAll(":scope > li")) {
        const up = button(list.dataset.moveUp, "↑", () => { move(item, -1); up.focus(); });
        const down = button(list.dataset.moveDown, "↓", () => { move(item, 1); down.focus(); });
        const tools = document.createElement("span");
        tools.className = "step-tools";
        tools.append(up, down);
        item.append(tools);
        // Choosing a number moves the step there; the others close ranks.
        item.querySelector("select").addEventListener("change", (event) => {
          const target = Number(event.target.value) - 1;
          const items = [...list.children].filter((other) => other !== item);
          list.insertBefore(item, items[target] || null);
          renumber(list);
          event.target.focus();
        });
      }
    }
  };
  enhanceOrdering(document);

  for (const form of document.querySelectorAll("form.quiz-test")) {
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input.answer-text")) event.preventDefault();
    });
    if (!form.dataset.draft) continue;
    let timer = null;
    let dirty = false;
    const save = () => {
      clearTimeout(timer);
      if (!dirty) return;
      dirty = false;
      fetch(form.dataset.draft, { method: "POST", credentials: "same-origin", body: new FormData(form) })
        .then((response) => { if (!response.ok && response.status !== 409) dirty = true; })
        .catch(() => { dirty = true; });  // the player may be restarting; the next change tries again
    };
    const changed = () => {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, 700);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("click", (event) => { if (event.target.closest(".step-move")) changed(); });
    const flush = () => { if (dirty) { dirty = false; navigator.sendBeacon(form.dataset.draft, new FormData(form)); } };
    // Another form (Switch learner, the language) leaves the page at once: save before it goes.
    document.addEventListener("submit", (event) => { if (event.target !== form) flush(); }, true);
    window.addEventListener("pagehide", flush);
  }

  // Self-checks are checked in place (without this script the form post reloads the lesson at the
  // question): the answers go to the player, the lesson comes back, and only the questions whose state
  // changed are replaced; the page keeps its position, and the result is announced (a live region).
  for (const form of document.querySelectorAll("form.quiz-form:not(.quiz-test)")) {
    const status = form.querySelector(".check-status");
    let busy = false;
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (!status || !button || form.dataset.plain) return;
      event.preventDefault();
      if (busy) return;
      busy = true;
      const pressed = button.closest("[id^='q-']");
      const pressedId = pressed ? pressed.id : null;
      const top = pressed ? pressed.getBoundingClientRect().top : 0;
      fetch(button.getAttribute("formaction") || form.action,
            { method: "POST", credentials: "same-origin", body: new FormData(form, button) })
        .then((response) => response.text().then((html) => [response, html]))
        .then(([response, html]) => {
          const fresh = new DOMParser().parseFromString(html, "text/html");
          const freshForm = fresh.getElementById("quiz");
          if (!response.ok || !freshForm) throw new Error(String(response.status));
          form.querySelector('input[name="attempt"]').value = freshForm.querySelector('input[name="attempt"]').value;
          for (const old of [...form.querySelectorAll(".question, .question-result")]) {
            const next = fresh.getElementById(old.id);
            if (next && (next.tagName !== old.tagName || old.id === pressedId)) {
              const made = document.importNode(next, true);
              old.replaceWith(made);
              enhanceOrdering(made);
            }
          }
          const shown = pressedId && document.getElementById(pressedId);
          const said = fresh.querySelector(".flash");
          const news = shown && (shown.querySelector(".verdict, .check-hint") || shown.querySelector("legend, .question-head"));
          status.textContent = "";
          setTimeout(() => { status.textContent = (news ? news.textContent : said ? said.textContent : "").trim(); }, 50);
          if (shown) {
            window.scrollBy(0, shown.getBoundingClientRect().top - top);
            shown.setAttribute("tabindex", "-1");
            shown.focus({ preventScroll: true });
          }
        })
        .catch(() => {  // the player answered something unexpected: let the form post show it
          form.dataset.plain = "1";
          button.click();
        })
        .finally(() => { busy = false; });
    });
  }

  for (const form of document.querySelectorAll("form.quiz-test, form.quiz-confirm")) {
    let sent = false;
    form.addEventListener("submit", (event) => {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
      setTimeout(() => { sent = false; }, 10000);  // the server may be slow; allow a retry later
    });
  }
})();
