// Certificate page: Print. In the desktop window (pywebview, which often cannot print) it opens the
// certificate in the system's web browser instead, where printing works.
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => {
    const inBrowser = document.querySelector("[data-open-in-browser]");
    if (window.pywebview && inBrowser) inBrowser.click();
    else window.print();
  });
});
