// Trạm Học SCORM 1.2 runtime: the course's one SCO. This page (index.html) finds the LMS's API (an `API`
// object in a parent or opener window), keeps the connection for the whole session and shows each lesson
// page in the frame below it; the lesson pages report to it through `window.TramHoc`.
//
// What it records: cmi.core.lesson_status (incomplete, then completed, or passed/failed when the course has
// tests), cmi.core.score.raw/min/max (the mean of the tests' best scores), cmi.core.lesson_location (the
// lesson shown), cmi.core.session_time, one cmi.interactions.n per answered question, and the learner's
// place in cmi.suspend_data (lessons done, attempts and best score of each test; at most 4,096 characters
// as SCORM 1.2 allows: the exporter checks the largest state a course can reach).
"use strict";

const TramHocState = (() => {
  // suspend_data, version 1: `1;<lessons done, a bit per lesson, base64url>;<i>:<attempts>:<best>,…`
  // (i: the test's index among the course's lessons; best: percent, at most two decimals).
  const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const MAX_ATTEMPTS = 9999;

  const empty = () => ({ done: new Set(), tests: new Map() });

  const encode = (state, lessonCount) => {
    let bits = "";
    for (let start = 0; start < lessonCount; start += 6) {
      let value = 0;
      for (let bit = 0; bit < 6; bit++) if (state.done.has(start + bit)) value |= 1 << bit;
      bits += DIGITS[value];
    }
    const tests = [...state.tests.entries()].sort((a, b) => a[0] - b[0])
      .map(([index, test]) => `${index}:${Math.min(test.used, MAX_ATTEMPTS)}:${best(test.best)}`);
    return `1;${bits};${tests.join(",")}`;
  };

  const best = (value) => (value === null ? "" : String(Math.round(value * 100) / 100));

  const decode = (text, lessonCount) => {
    const state = empty();
    const parts = String(text || "").split(";");
    if (parts.length !== 3 || parts[0] !== "1") return state;  // nothing saved yet, or not ours: start afresh
    [...parts[1]].forEach((digit, position) => {
      const value = DIGITS.indexOf(digit);
      for (let bit = 0; bit < 6 && value > 0; bit++) {
        const index = position * 6 + bit;
        if (value & (1 << bit) && index < lessonCount) state.done.add(index);
      }
    });
    for (const item of parts[2] ? parts[2].split(",") : []) {
      const [index, used, score] = item.split(":");
      const number = Number(index);
      if (Number.isInteger(number) && number >= 0 && number < lessonCount) {
        state.tests.set(number, { used: Number(used) || 0, best: score === "" || score === undefined ? null : Number(score) });
      }
    }
    return state;
  };

  return { encode, decode, empty, MAX_ATTEMPTS };
})();

if (typeof module === "object") module.exports = TramHocState;  // for tests under node

if (typeof window === "object" && document.getElementById("tramhoc-course")) {
  (() => {
    const course = JSON.parse(document.getElementById("tramhoc-course").textContent);
    const strings = JSON.parse(document.getElementById("tramhoc-strings").textContent);
    const frame = document.getElementById("lesson");
    const lessons = course.lessons;
    const indexOf = new Map(lessons.map((lesson, index) => [lesson.id, index]));
    const tests = lessons.filter((lesson) => lesson.test);
    const started = Date.now();
    let state = TramHocState.empty();
    let interactions = 0;
    let finished = false;

    const t = (message, params = {}) => (strings[message] || message)
      .replace(/%\((\w+)\)[ds]/g, (_, name) => String(params[name]))
      .replace(/%%/g, "%");

    // SCORM 1.2's API discovery: the nearest `API` in this window's parents, then in its opener's.
    const findIn = (start) => {
      let here = start;
      for (let depth = 0; here && depth < 10; depth++) {
        try {
          if (here.API) return here.API;
        } catch (error) { return null; }  // another origin: not ours to look into
        if (here.parent === here) break;
        here = here.parent;
      }
      return null;
    };
    let api = findIn(window.parent !== window ? window.parent : null) || findIn(window.opener) || null;
    if (api && api.LMSInitialize("") !== "true") api = null;  // an API that refuses us: record nothing
    const lms = {
      get: (name) => (api ? String(api.LMSGetValue(name)) : ""),
      set: (name, value) => (api ? api.LMSSetValue(name, String(value)) === "true" : false),
      commit: () => (api ? api.LMSCommit("") : "false"),
    };

    const save = () => {
      lms.set("cmi.suspend_data", TramHocState.encode(state, lessons.length));
      const best = tests.map((lesson) => state.tests.get(indexOf.get(lesson.id))?.best ?? null);
      if (best.some((value) => value !== null)) {
        const mean = best.reduce((sum, value) => sum + (value || 0), 0) / best.length;
        lms.set("cmi.core.score.min", "0");
        lms.set("cmi.core.score.max", "100");
        lms.set("cmi.core.score.raw", String(Math.round(mean * 100) / 100));
      }
      lms.set("cmi.core.lesson_status", status());
      lms.commit();
      showProgress();
    };

    const isDone = (lesson) => state.done.has(indexOf.get(lesson.id));

    const status = () => {
      if (lessons.every(isDone)) return tests.length ? "passed" : "completed";
      const stuck = tests.some((lesson) => {
        const test = state.tests.get(indexOf.get(lesson.id));
        return lesson.attempts && test && test.used >= lesson.attempts && !isDone(lesson);
      });
      return stuck ? "failed" : "incomplete";
    };

    const showProgress = () => {
      const percent = Math.round(100 * lessons.filter(isDone).length / lessons.length);
      const shown = document.getElementById("progress");
      shown.textContent = lessons.every(isDone) ? t("Course completed") : t("%(percent)d%% done", { percent });
    };

    const timespan = (seconds) => {
      const whole = Math.max(0, seconds);
      const hours = Math.floor(whole / 3600), minutes = Math.floor(whole / 60) % 60, rest = whole % 60;
      const two = (value) => String(Math.floor(value)).padStart(2, "0");
      return `${two(hours)}:${two(minutes)}:${two(rest)}.${String(Math.floor((rest % 1) * 100)).padStart(2, "0")}`;
    };

    const clock = (when) => [when.getHours(), when.getMinutes(), when.getSeconds()]
      .map((value) => String(value).padStart(2, "0")).join(":");

    // What the lesson pages call.
    window.TramHoc = {
      lessonState(lessonId) {
        const index = indexOf.get(lessonId);
        const test = state.tests.get(index);
        return { done: state.done.has(index), used: test ? test.used : 0, best: test ? test.best : null };
      },
      courseState() {
        const place = lms.get("cmi.core.lesson_location");
        return { done: lessons.filter(isDone).map((lesson) => lesson.id), resume: indexOf.has(place) ? place : null };
      },
      opened(lessonId) {  // the contents page is not a place to come back to
        if (!indexOf.has(lessonId)) return;
        lms.set("cmi.core.lesson_location", lessonId);
        lms.commit();
      },
      done(lessonId) {
        if (!indexOf.has(lessonId)) return;
        state.done.add(indexOf.get(lessonId));
        save();
      },
      answered(lessonId, records) {
        const now = new Date();
        for (const record of records) {
          const prefix = `cmi.interactions.${interactions}.`;
          lms.set(prefix + "id", record.id);
          lms.set(prefix + "type", record.type);
          lms.set(prefix + "time", clock(now));
          lms.set(prefix + "weighting", String(record.weighting));
          lms.set(prefix + "student_response", record.response);
          lms.set(prefix + "result", record.result);
          lms.set(prefix + "latency", timespan(record.seconds));
          if (record.correct) lms.set(prefix + "correct_responses.0.pattern", record.correct);
          interactions += 1;
        }
        lms.commit();
      },
      tested(lessonId, percent, passed) {
        const index = indexOf.get(lessonId);
        const test = state.tests.get(index) || { used: 0, best: null };
        test.used += 1;
        if (percent !== null && (test.best === null || percent > test.best)) test.best = percent;
        state.tests.set(index, test);
        if (passed) state.done.add(index);
        save();
      },
    };

    const finish = () => {
      if (finished || !api) return;
      finished = true;
      lms.set("cmi.suspend_data", TramHocState.encode(state, lessons.length));
      lms.set("cmi.core.session_time", timespan((Date.now() - started) / 1000));
      lms.set("cmi.core.exit", "suspend");  // keep the learner's place for the next visit
      api.LMSCommit("");
      api.LMSFinish("");
    };

    if (api) {
      state = TramHocState.decode(lms.get("cmi.suspend_data"), lessons.length);
      interactions = Number(lms.get("cmi.interactions._count")) || 0;
      if (["", "not attempted"].includes(lms.get("cmi.core.lesson_status"))) lms.set("cmi.core.lesson_status", "incomplete");
      lms.commit();
    } else {
      document.getElementById("no-lms").hidden = false;
    }
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
    showProgress();
    const place = lms.get("cmi.core.lesson_location");
    frame.src = indexOf.has(place) ? `lessons/${encodeURIComponent(place)}.html` : "contents.html";
  })();
}
