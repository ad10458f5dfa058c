// Quiz forms (progressive enhancement; every question works without this script):
// ordering questions get Move up / Move down buttons and keep their position numbers 1…n in step with the
// list; a form is not sent twice by a double click (the server refuses a second recording anyway).
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

  for (const list of document.querySelectorAll("ol.ordering")) {
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

  for (const form of document.querySelectorAll("form.quiz-form")) {
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
