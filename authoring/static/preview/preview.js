// The preview's reloader: waits on the preview server and, after each build of the course folder (good
// or not: a build with problems shows them at the top), shows the page again.
//
// Most saves change only what the page shows: then the new page is fetched and its content put in place
// of the old (the browser's own reload is most of the wait, and the reader keeps their place). A page
// that runs a script of its own in its content (a quiz, the certificate), or whose head changed, is
// reloaded instead, keeping the scroll position, so every script of the player runs on it as a learner's
// would. Each update dispatches "tramhoc-preview-shown" on the document (detail: the performance.now()
// times it asked for the page and showed it), which benchmarks/preview.py times.
"use strict";
(() => {
  const script = document.currentScript;
  const wait = script.dataset.wait;
  const run = script.dataset.run;
  let generation = Number(script.dataset.generation);
  const place = "tramhoc-preview-scroll:" + location.pathname + location.search;

  const saved = sessionStorage.getItem(place);
  if (saved !== null) {
    const restore = () => window.scrollTo(0, Number(saved));
    restore();
    window.addEventListener("load", () => { restore(); sessionStorage.removeItem(place); }, { once: true });
  }

  const reload = () => {
    sessionStorage.setItem(place, String(window.scrollY));
    location.reload();
  };

  // What must be the same for the content alone to change: the head's scripts and styles, the body's data.
  const frame = (page) => [
    ...[...page.head.querySelectorAll("script[src], link[href]")].map((node) => node.getAttribute("src") || node.getAttribute("href")),
    ...[...page.body.attributes].map((attribute) => `${attribute.name}=${attribute.value}`),
  ].join("\n");

  const update = async () => {
    const asked = performance.now();
    const response = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
    if (!response.ok || response.redirected) return reload();
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = document.getElementById("main");
    const content = fresh.getElementById("main");
    const reloader = fresh.querySelector("script[data-generation]");
    if (!main || !content || !reloader || main.querySelector("script") || content.querySelector("script")
        || frame(fresh) !== frame(document)) return reload();
    document.title = fresh.title;
    main.replaceWith(document.importNode(content, true));
    generation = Number(reloader.dataset.generation);
    document.dispatchEvent(new CustomEvent("tramhoc-preview-shown", { detail: { asked, shown: performance.now() } }));
    next(0);
  };

  const next = async (retry) => {
    try {
      const response = await fetch(`${wait}?since=${generation}&run=${run}`, { cache: "no-store" });
      if (!response.ok) throw new Error(`preview answered ${response.status}`);
      const found = await response.json();
      if (found.run !== run) return reload();
      if (found.generation > generation) return await update();
      next(0);
    } catch (error) {  // the preview was stopped or is starting again: keep trying, a little slower each time
      const delay = Math.min(retry ? retry * 2 : 500, 5000);
      setTimeout(() => next(delay), delay);
    }
  };
  next(0);
})();
