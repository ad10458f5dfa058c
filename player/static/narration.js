// A lesson's narrations (lessons/_narration.html: the lesson's own and its sections'): large controls in place
// of the browser's small ones; each one's place and speed are restored when the lesson opens and reported,
// with the page's CSRF token, while the learner listens (every few seconds, on pause, seek and speed change,
// and when the page is left). Playing one narration pauses the others.
"use strict";
(() => {
  const SAVE_EVERY_MS = 5000;
  const token = document.querySelector('input[name="csrf_token"]');
  const boxes = document.querySelectorAll("section.narration");
  const audios = Array.from(boxes, (box) => box.querySelector("audio"));

  const clock = (seconds) => {
    const whole = Math.floor(seconds || 0);
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  };

  const setUp = (box) => {
    const audio = box.querySelector("audio");
    const play = box.querySelector(".narration-play");
    const speeds = box.querySelectorAll(".narration-speeds button");
    const position = box.querySelector(".narration-progress input");
    const time = box.querySelector(".narration-time");
    let lastSaved = 0;

    const save = (at = audio.currentTime, keepalive = false) => {
      lastSaved = Date.now();
      fetch(box.dataset.save, {
        method: "POST", credentials: "same-origin", keepalive,
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify({ narration: box.dataset.narration, position: at, speed: audio.playbackRate }),
      }).catch(() => {});  // the server may be restarting: the recording plays on
    };
    const show = () => {
      const duration = Number.isFinite(audio.duration) ? Math.round(audio.duration) : 0;
      const text = `${clock(audio.currentTime)} / ${clock(duration)}`;
      position.max = String(duration);
      position.value = String(Math.floor(audio.currentTime));
      position.setAttribute("aria-valuetext", text);
      time.textContent = text;
    };
    const showPlaying = () => {
      play.querySelector(".narration-label").textContent = audio.paused ? play.dataset.play : play.dataset.pause;
      play.querySelector(".narration-icon").textContent = audio.paused ? "▶" : "❚❚";
    };
    const setSpeed = (speed) => {
      audio.defaultPlaybackRate = speed;  // kept when the browser loads the file
      audio.playbackRate = speed;
      for (const button of speeds) button.setAttribute("aria-pressed", String(Number(button.dataset.speed) === speed));
    };
    const restore = () => {
      const start = Number(box.dataset.position) || 0;
      if (start > 0 && start < audio.duration) audio.currentTime = start;
      show();
    };

    audio.removeAttribute("controls");
    box.querySelector(".narration-controls").hidden = false;
    setSpeed(Number(box.dataset.speed) || 1);
    if (audio.readyState >= HTMLMediaElement.HAVE_METADATA) restore();
    else audio.addEventListener("loadedmetadata", restore, { once: true });

    play.addEventListener("click", () => {
      if (audio.paused) audio.play().catch(() => {});
      else audio.pause();
    });
    box.querySelector(".narration-back").addEventListener("click", () => {
      audio.currentTime = Math.max(0, audio.currentTime - 10);
      save();
    });
    for (const button of speeds) {
      button.addEventListener("click", () => { setSpeed(Number(button.dataset.speed)); save(); });
    }
    position.addEventListener("input", () => { audio.currentTime = Number(position.value); });
    position.addEventListener("change", () => save());
    audio.addEventListener("timeupdate", () => {
      show();
      if (!audio.paused && Date.now() - lastSaved > SAVE_EVERY_MS) save();
    });
    audio.addEventListener("play", () => {
      showPlaying();
      for (const other of audios) if (other !== audio) other.pause();
    });
    audio.addEventListener("pause", () => { showPlaying(); if (!audio.ended) save(); });
    audio.addEventListener("ended", () => save(0));  // heard to the end: next time starts from the beginning
    window.addEventListener("pagehide", () => { if (!audio.paused) save(audio.currentTime, true); });
  };

  boxes.forEach(setUp);
})();
