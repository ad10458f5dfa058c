// Certificate page: Print opens the print dialog, the browser's or the desktop window's (WebView2's own; for
// Qt, player/desktop/qt.py answers window.print()).
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
