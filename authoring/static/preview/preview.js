// The preview's reloader: waits on the preview server and reloads this page after each build of the
// course folder (good or not: a build with problems shows them at the top), keeping the scroll position.
"use strict";
(() => {
  const script = document.currentScript;
  const wait = script.dataset.wait;
  const run = script.dataset.run;
  const generation = Number(script.dataset.generation);
  const place = "tramhoc-preview-scroll:" + location.pathname + location.search;

  const saved = sessionStorage.getItem(place);
  if (saved !== null) {
    const restore = () => window.scrollTo(0, Number(saved));
    restore();
    window.addEventListener("load", () => { restore(); sessionStorage.removeItem(place); }, { once: true });
  }

  const next = async (retry) => {
    try {
      const response = await fetch(`${wait}?since=${generation}&run=${run}`, { cache: "no-store" });
      if (!response.ok) throw new Error(`preview answered ${response.status}`);
      const found = await response.json();
      if (found.run !== run || found.generation > generation) {
        sessionStorage.setItem(place, String(window.scrollY));
        location.reload();
        return;
      }
      next(0);
    } catch (error) {  // the preview was stopped or is starting again: keep trying, a little slower each time
      const delay = Math.min(retry ? retry * 2 : 500, 5000);
      setTimeout(() => next(delay), delay);
    }
  };
  next(0);
})();
