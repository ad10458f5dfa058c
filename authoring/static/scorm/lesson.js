// A lesson page of the SCORM package: its questions graded here, in the browser (the answer key is in the
// page: there is no server of ours inside an LMS), the result shown as the offline player shows it, and
// everything reported to the course's runtime (runtime.js, in the page around this one) for the LMS.
// Grading follows player/quizzes/grading.py; tests/test_scorm_export.py checks both give the same scores.
"use strict";

const TramHocGrading = (() => {
  const normalise = (text, ignoreCase = true, ignoreDiacritics = false) => {
    let value = String(text).normalize("NFC");
    if (ignoreDiacritics) {
      value = value.normalize("NFD").replace(/\p{Mn}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFC");
    }
    if (ignoreCase) value = value.toLowerCase();
    return value.split(/\s+/u).filter(Boolean).join(" ");
  };

  const NUMBER = /^[+-]?(?=[\d.,]*\d)[\d.,]+$/;
  const parseNumber = (text) => {
    if (typeof text === "number") return text;
    if (typeof text !== "string") return null;
    const value = text.split(/\s+/u).join("");
    if (!NUMBER.test(value)) return null;
    const signed = "+-".includes(value[0]);
    const sign = signed ? value[0] : "";
    let digits = signed ? value.slice(1) : value;
    if (digits.includes(".") && digits.includes(",")) {
      const decimal = digits.lastIndexOf(".") > digits.lastIndexOf(",") ? "." : ",";
      digits = digits.split(decimal === "." ? "," : ".").join("").replace(decimal, ".");
    } else {
      for (const mark of ".,") {
        const count = digits.split(mark).length - 1;
        digits = count > 1 ? digits.split(mark).join("") : digits.replace(mark, ".");
      }
    }
    const number = Number(sign + digits);
    return Number.isFinite(number) && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(sign + digits) ? number : null;
  };

  const answerMatches = (pattern, response, ignoreCase, ignoreDiacritics) => {
    const wanted = normalise(pattern, ignoreCase, ignoreDiacritics);
    const given = normalise(response, ignoreCase, ignoreDiacritics);
    if (!wanted.includes("*")) return wanted === given;
    let source = "";
    for (let index = 0; index < wanted.length; index++) {
      if (wanted.startsWith("\\*", index)) { source += "\\*"; index += 1; continue; }
      source += wanted[index] === "*" ? "[\\s\\S]*" : wanted[index].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^(?:${source})$`, "u").test(given);
  };

  const chosen = (question, response) => {
    const selected = new Set(typeof response === "string" ? [response] : (Array.isArray(response) ? response : []));
    return Object.entries(question.choices).filter(([key]) => selected.has(key)).map(([, choice]) => choice);
  };

  const accepted = (question, response) => {
    if (question.type === "short") {
      if (typeof response !== "string" || !response.trim()) return null;
      return question.answers.find((answer) => answerMatches(answer.text, response, question.ignore_case,
                                                             question.ignore_diacritics)) || null;
    }
    const number = parseNumber(response);
    if (number === null) return null;
    for (const answer of question.answers) {
      if (answer.low === null) return answer;
      const slack = 1e-9 * Math.max(1, Math.abs(answer.low), Math.abs(answer.high));
      if (answer.low - slack <= number && number <= answer.high + slack) return answer;
    }
    return null;
  };

  const GRADERS = {
    single: (q, r) => (typeof r === "string" && chosen(q, r).length ? chosen(q, r)[0].weight / 100 : 0),
    multiple: (q, r) => chosen(q, r).reduce((sum, choice) => sum + choice.weight, 0) / 100,
    truefalse: (q, r) => {
      const answer = r === true || r === "true" ? true : r === false || r === "false" ? false : null;
      return answer === null ? 0 : Number(answer === q.correct);
    },
    short: (q, r) => { const found = accepted(q, r); return found ? found.weight / 100 : 0; },
    numeric: (q, r) => { const found = accepted(q, r); return found ? found.weight / 100 : 0; },
    matching: (q, r) => {
      const given = r && typeof r === "object" && !Array.isArray(r) ? r : {};
      const prompts = Object.keys(q.pairs);
      return prompts.filter((prompt) => given[prompt] === q.pairs[prompt]).length / prompts.length;
    },
    ordering: (q, r) => {
      const given = Array.isArray(r) ? r : [];
      return q.steps.filter((step, index) => given[index] === step).length / q.steps.length;
    },
  };

  // One question: right / partial / wrong (or ungraded) and its score, a fraction of its points.
  const grade = (question, response) => {
    const grader = GRADERS[question.type];
    if (!grader || !question.graded) return { status: "ungraded", score: null };
    const raw = grader(question, response);
    const score = Math.max(0, Math.min(1, Math.round(raw * 10000) / 10000));
    return { status: score >= 1 ? "right" : score > 0 ? "partial" : "wrong", score };
  };

  const feedback = (question, response) => {
    let found = [];
    if (question.type === "single" && typeof response === "string") found = chosen(question, response).map((c) => c.feedback);
    else if (question.type === "multiple") found = chosen(question, response).map((c) => c.feedback);
    else if (question.type === "truefalse" && (response === "true" || response === "false")) {
      found = [response === "true" ? question.feedback_true : question.feedback_false];
    } else if (question.type === "short" || question.type === "numeric") {
      const answer = accepted(question, response);
      found = answer ? [answer.feedback] : [];
    }
    return found.filter(Boolean);
  };

  // A whole attempt, as player.quizzes.grading.grade_attempt: percent of the points, None if nothing graded.
  const gradeAttempt = (questions, responses, passPercent) => {
    const results = questions.map((question) => ({ question, ...grade(question, responses[question.id]) }));
    const graded = results.filter((result) => result.score !== null);
    const total = graded.reduce((sum, result) => sum + result.question.points, 0);
    if (!total) return { results, percent: null, passed: null };
    const percent = Math.round(10000 * graded.reduce((sum, r) => sum + r.question.points * r.score, 0) / total) / 100;
    return { results, percent, passed: percent >= passPercent };
  };

  return { normalise, parseNumber, answerMatches, grade, feedback, gradeAttempt };
})();

if (typeof module === "object") module.exports = TramHocGrading;  // for tests under node

if (typeof window === "object" && document.body.dataset.lesson) {
  (() => {
    const body = document.body;
    const lessonId = body.dataset.lesson;
    const next = body.dataset.next;
    const strings = JSON.parse(document.getElementById("tramhoc-strings").textContent);
    const quiz = JSON.parse(document.getElementById("tramhoc-quiz").textContent);  // null: no questions
    const MAX_RESPONSE = 255;
    const local = { done: false, used: 0, best: null };
    // The course's runtime in the page around this one; alone (opened outside the package), a stand-in.
    const host = (() => {
      try {
        if (window.parent !== window && window.parent.TramHoc) return window.parent.TramHoc;
      } catch (error) { /* another origin */ }
      return {
        lessonState: () => ({ ...local }), courseState: () => ({ done: [], resume: null }),
        opened() {}, answered() {},
        done() { local.done = true; },
        tested(id, percent, passed) {
          local.used += 1;
          if (percent !== null && (local.best === null || percent > local.best)) local.best = percent;
          if (passed) local.done = true;
        },
      };
    })();

    const t = (message, params = {}) => (strings[message] || message)
      .replace(/%\((\w+)\)[ds]/g, (_, name) => String(params[name]))
      .replace(/%%/g, "%");
    const make = (tag, className, text) => {
      const element = document.createElement(tag);
      if (className) element.className = className;
      if (text !== undefined) element.textContent = text;
      return element;
    };
    const html = (tag, className, fragment) => {  // the author's HTML, cleaned by the exporter
      const element = make(tag, className);
      element.innerHTML = fragment;
      return element;
    };
    const keyOf = new Map(quiz ? quiz.questions.map((question) => [question.id, question]) : []);

    // --- reading an answer from its question's fields --------------------------------------------------
    const field = (questionId) => `a-${questionId}`;
    const response = (question, box) => {
      const name = field(question.id);
      const inputs = [...box.querySelectorAll(`[name^="${CSS.escape(name)}"]`)];
      switch (question.type) {
        case "single": case "truefalse": {
          const checked = inputs.find((input) => input.checked);
          return checked ? checked.value : undefined;
        }
        case "multiple": {
          const checked = inputs.filter((input) => input.checked).map((input) => input.value);
          return checked.length ? checked : undefined;
        }
        case "short": case "numeric": case "essay": {
          const text = inputs[0] ? inputs[0].value : "";
          return text.trim() ? text : undefined;
        }
        case "matching": {
          const pairs = {};
          for (const select of inputs) if (select.value) pairs[select.name.slice(name.length + 1)] = select.value;
          return Object.keys(pairs).length ? pairs : undefined;
        }
        case "ordering": {
          const order = inputs.map((select) => [Number(select.value), select.name.slice(name.length + 1)]);
          return order.sort((a, b) => a[0] - b[0]).map(([, step]) => step);
        }
        default: return undefined;
      }
    };

    // --- what the LMS records ------------------------------------------------------------------------
    const SCORM_RESULTS = { right: "correct", wrong: "wrong", ungraded: "neutral" };
    const scormResponse = (question, given) => {
      const ids = question.scorm.ids;
      if (given === undefined) return "";
      switch (question.type) {
        case "single": return ids[given] || "";
        case "multiple": return given.map((key) => ids[key]).filter(Boolean).join(",");
        case "truefalse": return given === "true" ? "t" : "f";
        case "numeric": { const number = TramHocGrading.parseNumber(given); return number === null ? "" : String(number); }
        case "matching": return Object.entries(given).map(([prompt, option]) => `${ids[prompt]}.${ids[option]}`).join(",");
        case "ordering": return given.map((key) => ids[key]).join(",");
        default: return String(given).slice(0, MAX_RESPONSE);  // fill-in: SCORM 1.2 keeps 255 characters
      }
    };
    const record = (question, given, verdict, seconds) => ({
      id: question.id, type: question.scorm.type, response: scormResponse(question, given).slice(0, MAX_RESPONSE),
      result: SCORM_RESULTS[verdict.status] || String(verdict.score), correct: question.scorm.correct,
      weighting: Math.max(-100, Math.min(100, question.points)), seconds,
    });

    // --- showing a result, as the player's quizzes/_macros.html `result` does ---------------------------
    const VERDICTS = { right: ["✓", "Right"], partial: ["◐", "Partly right"], wrong: ["✗", "Not right"],
                       ungraded: ["✎", "Not scored automatically"] };
    const givenShown = (question, box, given) => {
      const shown = make("div", "given");
      shown.append(make("span", "given-label", t("Your answer:")), " ");
      if (given === undefined) { shown.append(make("span", "given-none", t("(no answer)"))); return shown; }
      const textOf = (selector) => { const found = box.querySelector(selector); return found ? found.innerHTML : ""; };
      const name = field(question.id);
      if (question.type === "truefalse") shown.append(make("span", null, t(given === "true" ? "True" : "False")));
      else if (["short", "numeric", "essay"].includes(question.type)) shown.append(make("span", "given-text", given));
      else if (question.type === "single") shown.append(html("span", "given-item", textOf(`input[value="${CSS.escape(given)}"] + .option-text`)));
      else if (question.type === "multiple") {
        const list = make("ul", "given-list");
        for (const key of given) list.append(html("li", null, textOf(`input[value="${CSS.escape(key)}"] + .option-text`)));
        shown.append(list);
      } else if (question.type === "ordering") {
        const list = make("ol", "given-list");
        for (const key of given) list.append(html("li", null, textOf(`label[for="a-${CSS.escape(question.id)}-${CSS.escape(key)}"]`)));
        shown.append(list);
      } else if (question.type === "matching") {
        const list = make("ul", "given-list");
        for (const [prompt, option] of Object.entries(given)) {
          const select = box.querySelector(`select[name="${CSS.escape(`${name}.${prompt}`)}"]`);
          const item = html("li", null, textOf(`label[for="${CSS.escape(select.id)}"]`));
          item.append(` → ${select.selectedOptions[0].textContent}`);
          list.append(item);
        }
        shown.append(list);
      }
      return shown;
    };

    const resultOf = (question, box, given, verdict, number) => {
      const section = make("section", `question-result result-${verdict.status}`);
      section.id = `q-${question.id}`;
      const [icon, label] = VERDICTS[verdict.status];
      const head = make("p", "verdict");
      head.append(make("span", "verdict-icon", icon), " ", make("strong", null, t(label)));
      if (number) head.append(` · ${t("Question %(number)d", { number })}`);
      head.firstChild.setAttribute("aria-hidden", "true");
      section.append(head, html("div", "question-text", box.querySelector(".question-text").innerHTML),
                     givenShown(question, box, given));
      for (const text of TramHocGrading.feedback(question, given)) section.append(html("div", "feedback", text));
      if (question.explanation) {
        const explanation = html("div", "explanation", " " + question.explanation);
        explanation.prepend(make("strong", null, t("Explanation:")));
        section.append(explanation);
      }
      return section;
    };

    const form = document.getElementById("quiz");
    const started = Date.now();
    const seconds = (since) => (Date.now() - since) / 1000;

    // --- self-check questions: each checked on its own, shown in place, answered again at will ----------
    const selfChecks = () => {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const pressed = event.submitter && event.submitter.closest("fieldset.question");
        const boxes = pressed ? [pressed] : [...form.querySelectorAll("fieldset.question:not([hidden])")];
        const records = [];
        for (const box of boxes) {
          const question = keyOf.get(box.id.slice(2));
          const given = question && response(question, box);
          if (given === undefined) continue;
          const verdict = TramHocGrading.grade(question, given);
          const shown = resultOf(question, box, given, verdict, null);
          const again = make("button", "again", `↻ ${t("Answer this question again")}`);
          again.type = "button";
          again.addEventListener("click", () => { shown.remove(); box.hidden = false; box.querySelector("input, select, textarea")?.focus(); });
          shown.append(again);
          box.hidden = true;
          box.after(shown);
          records.push(record(question, given, verdict, seconds(started)));
        }
        if (records.length) host.answered(lessonId, records);
      });
    };

    // --- a test: drawn and shuffled anew for each attempt, submitted as a whole ------------------------
    const shuffle = (items) => {
      for (let index = items.length - 1; index > 0; index--) {
        const other = Math.floor(Math.random() * (index + 1));
        [items[index], items[other]] = [items[other], items[index]];
      }
      return items;
    };
    const test = () => {
      const boxes = [...form.querySelectorAll("fieldset.question")];
      const results = document.getElementById("quiz-results");
      const closed = document.getElementById("quiz-closed");
      const place = document.createComment("the questions of the attempt");  // where a shuffled test asks them
      if (boxes.length) boxes[0].before(place);
      let attemptStarted = Date.now();
      let asked = [];

      const intro = () => {
        const mine = host.lessonState(lessonId);
        const used = document.getElementById("quiz-used");
        if (quiz.attempts) used.textContent = ` · ${t("Attempts used: %(used)d of %(limit)d", { used: mine.used, limit: quiz.attempts })}`;
        const best = document.getElementById("quiz-best");
        best.hidden = mine.best === null;
        if (mine.best !== null) {
          best.replaceChildren(t("Your best score: %(score)d%%", { score: Math.round(mine.best) }), " · ",
                               mine.done ? make("span", "passed", `✓ ${t("Passed")}`) : make("span", "not-passed", t("Not passed yet")));
        }
        document.getElementById("test-done").hidden = !mine.done;
        return mine;
      };

      const begin = () => {
        const mine = intro();
        results.hidden = true;
        results.replaceChildren();
        if (quiz.attempts && mine.used >= quiz.attempts) {
          form.hidden = true;
          closed.hidden = false;
          return;
        }
        form.reset();
        for (const list of form.querySelectorAll("ol.ordering")) {  // positions follow the steps as they stand
          [...list.children].forEach((item, index) => { item.querySelector("select").value = String(index + 1); });
        }
        form.hidden = false;
        const pool = quiz.shuffle ? shuffle([...boxes]) : [...boxes];
        const drawn = new Set((quiz.draw ? shuffle([...boxes]).slice(0, quiz.draw) : boxes));
        asked = pool.filter((box) => drawn.has(box));
        if (quiz.shuffle) place.after(...pool);
        asked.forEach((box, index) => {
          box.querySelector(".question-number").textContent = t("Question %(number)d", { number: index + 1 });
        });
        for (const box of boxes) box.hidden = !drawn.has(box);
        attemptStarted = Date.now();
      };

      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const questions = asked.map((box) => keyOf.get(box.id.slice(2)));
        const given = Object.fromEntries(asked.map((box, index) => [questions[index].id, response(questions[index], box)]));
        const attempt = TramHocGrading.gradeAttempt(questions, given, quiz.pass);
        const passed = attempt.passed !== false;  // a test of essays only passes once it is submitted
        host.answered(lessonId, attempt.results.map((result) =>
          record(result.question, given[result.question.id], result, seconds(attemptStarted))));
        host.tested(lessonId, attempt.percent, passed);
        const mine = intro();
        const left = quiz.attempts ? quiz.attempts - mine.used : null;
        const box = make("div", `score-box ${passed ? "score-passed" : "score-failed"}`);
        const verdict = make("p", "score-verdict");
        verdict.append(make("span", null, passed ? "✓" : "✗"), " ", t(passed ? "You passed!" : "Not passed this time"));
        verdict.firstChild.setAttribute("aria-hidden", "true");
        box.append(verdict);
        if (attempt.percent !== null) {
          const score = make("p", "score", t("Your score: %(score)d%%", { score: Math.round(attempt.percent) }) + " ");
          score.append(make("span", "pass-mark", `(${t("pass mark %(percent)d%%", { percent: Math.round(quiz.pass) })})`));
          box.append(score);
        }
        if (left !== null) box.append(make("p", null, left ? quiz.more_tries[left] : t("You have no attempts left at this test.")));
        const actions = make("div", "quiz-actions");
        if (!passed && (left === null || left > 0)) {
          const again = make("button", "primary big", `↻ ${t("Try again")}`);
          again.type = "button";
          again.addEventListener("click", () => { begin(); form.scrollIntoView(); });
          actions.append(again);
        }
        const onward = make("a", `button big${passed ? " primary" : ""}`, `${t("Continue")} →`);
        onward.href = next;
        actions.append(onward);
        const list = make("div", "results");
        list.lang = document.querySelector("article.lesson").lang;
        attempt.results.forEach((result, index) =>
          list.append(resultOf(result.question, asked[index], given[result.question.id], result, index + 1)));
        results.replaceChildren(make("h2", null, t("Your results")), box, actions, list);
        form.hidden = true;
        results.hidden = false;
        results.scrollIntoView();
      });
      begin();
    };

    host.opened(lessonId);
    if (lessonId === "contents" && host.courseState) {  // ticks, and Continue where the learner left off
      const course = host.courseState();
      for (const item of document.querySelectorAll("li[data-lesson]")) {
        const finished = course.done.includes(item.dataset.lesson);
        item.classList.toggle("done", finished);
        item.querySelector(".tick").hidden = !finished;
      }
      const start = document.getElementById("start");
      const resume = course.resume && document.querySelector(`li[data-lesson="${CSS.escape(course.resume)}"] a`);
      if (resume) {
        start.href = resume.getAttribute("href");
        start.textContent = start.dataset.continue.replace("%(title)s", resume.textContent);
      }
    }
    const done = document.getElementById("done");
    if (done) {
      done.querySelector(".tick-line").hidden = !host.lessonState(lessonId).done;
      done.addEventListener("submit", (event) => {
        event.preventDefault();
        host.done(lessonId);
        window.location.href = next;
      });
    }
    if (form && quiz) (quiz.test ? test : selfChecks)();
  })();
}
