// Quiz attempt page: autosave with a sequence number, the question navigation panel
// (answered / partly / not answered / flagged), flags kept in this browser per attempt, the
// summary and confirm step before submitting, and the countdown with its 5- and 1-minute
// warnings. The server decides everything (grading, deadlines, stale tabs); this only posts
// answers. Every text shown here comes from the page (translated there).
(function () {
  "use strict";
  var form = document.querySelector("[data-quiz-form]");
  if (!form) { return; }
  var saveUrl = form.getAttribute("data-save-url");
  var seqInput = form.querySelector("[data-quiz-seq]");
  var statusEl = form.querySelector("[data-quiz-status]");
  var seq = parseInt(form.getAttribute("data-seq"), 10) || 0;
  var timer = null;
  var inFlight = null;
  var blocked = false;
  var submitting = false;
  var retryTimer = null;
  var retryDelay = 0;

  function show(text) { if (statusEl) { statusEl.textContent = text; } }

  // A save that got no answer (offline) or a server error (5xx, e.g. the database restarting)
  // is posted again later, 2 s, 4 s... up to 30 s apart, and at once when the browser is back
  // online. Each try is a new save with the next sequence number and every answer of the
  // form, so a try that did reach the server is simply written again, never refused as stale.
  function retryLater() {
    if (blocked || submitting) { return; }
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    if (retryTimer) { clearTimeout(retryTimer); }
    retryTimer = setTimeout(function () { retryTimer = null; if (!timer) { save(); } }, retryDelay);
  }

  function save() {
    if (blocked) { return Promise.resolve(); }
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    var data = new FormData(form);
    seq += 1;
    data.set("seq", String(seq));
    inFlight = fetch(saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("server error " + response.status); }
      return response.json().then(function (body) {
        retryDelay = 0;
        if (body.seq !== undefined) { seq = Math.max(seq, body.seq); }
        if (seqInput) { seqInput.value = String(seq + 1); }
        show(body.message || "");
        if (!response.ok && body.reason) { blocked = true; form.classList.add("quiz-blocked"); }
      }, function () { show(""); });
    }).catch(function () {
      show(""); // offline or a server error: posted again later (and by the final submit)
      retryLater();
    }).then(function () { inFlight = null; });
    return inFlight;
  }

  window.addEventListener("online", function () { if (retryTimer) { save(); } });

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; save(); }, 1200);
  }

  // --- answer states and flags -------------------------------------------------------------

  var layout = document.querySelector("[data-quiz-layout]");
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-quiz-question]"));
  var flagKey = "la-quiz-flags:" + form.getAttribute("data-attempt");
  var flags = {};

  function loadFlags() {
    try {
      (JSON.parse(window.localStorage.getItem(flagKey) || "[]") || []).forEach(function (slot) {
        flags[String(slot)] = true;
      });
    } catch (error) { flags = {}; }
  }

  function storeFlags() {
    try {
      var slots = Object.keys(flags).filter(function (slot) { return flags[slot]; });
      if (slots.length) { window.localStorage.setItem(flagKey, JSON.stringify(slots)); }
      else { window.localStorage.removeItem(flagKey); }
    } catch (error) { /* private mode: flags last as long as the page */ }
  }

  // answered / partly / unanswered, from the controls of one question.
  function stateOf(fieldset) {
    var choices = fieldset.querySelectorAll("input[type=radio], input[type=checkbox]");
    if (choices.length) {
      return Array.prototype.some.call(choices, function (c) { return c.checked; }) ? "answered" : "unanswered";
    }
    var selects = fieldset.querySelectorAll("select");
    if (selects.length) {
      var chosen = Array.prototype.filter.call(selects, function (s) { return s.value !== ""; }).length;
      if (!chosen) { return "unanswered"; }
      return chosen === selects.length ? "answered" : "partly";
    }
    var text = fieldset.querySelector("input[type=text], textarea");
    return text && text.value.trim() ? "answered" : "unanswered";
  }

  function setHidden(element, hidden) { if (element) { element.hidden = hidden; } }

  function refresh() {
    var answered = 0;
    var lists = { unanswered: [], partly: [], flagged: [] };
    questions.forEach(function (fieldset) {
      var slot = fieldset.getAttribute("data-slot");
      var state = stateOf(fieldset);
      var flagged = !!flags[slot];
      if (state === "answered") { answered += 1; }
      if (state !== "answered") { lists[state].push(slot); }
      if (flagged) { lists.flagged.push(slot); }
      fieldset.classList.toggle("is-flagged", flagged);
      var button = fieldset.querySelector("[data-quiz-flag]");
      if (button) { button.setAttribute("aria-pressed", flagged ? "true" : "false"); }
      var item = document.querySelector('[data-nav-slot="' + slot + '"]');
      if (item) {
        item.classList.remove("is-answered", "is-partly", "is-unanswered");
        item.classList.add("is-" + state);
        item.classList.toggle("is-flagged", flagged);
        Array.prototype.forEach.call(item.querySelectorAll("[data-nav-word]"), function (word) {
          var name = word.getAttribute("data-nav-word");
          word.hidden = name === "flagged" ? !flagged : name !== state;
        });
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-count-answered]"), function (el) {
      el.textContent = String(answered);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-quiz-summary]"), function (summary) {
      Object.keys(lists).forEach(function (name) {
        var list = summary.querySelector('[data-summary-list="' + name + '"]');
        if (!list) { return; }
        setHidden(list, !lists[name].length);
        Array.prototype.forEach.call(list.querySelectorAll("[data-summary-slot]"), function (link) {
          link.hidden = lists[name].indexOf(link.getAttribute("data-summary-slot")) < 0;
        });
      });
      setHidden(summary.querySelector("[data-summary-complete]"), answered !== questions.length);
    });
  }

  loadFlags();
  questions.forEach(function (fieldset) {
    var button = fieldset.querySelector("[data-quiz-flag]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var slot = fieldset.getAttribute("data-slot");
      flags[slot] = !flags[slot];
      storeFlags();
      refresh();
    });
  });

  form.addEventListener("change", function () { refresh(); schedule(); });
  form.addEventListener("input", function () { refresh(); schedule(); });

  // --- navigation: jump to a question, the phone's collapsible panel -------------------------

  var aside = document.querySelector("[data-quiz-aside]");
  var toggle = document.querySelector("[data-quiz-nav-toggle]");
  var panel = document.querySelector("[data-quiz-nav-panel]");
  var narrow = window.matchMedia("(max-width: 991.98px)");

  function setOpen(open) {
    if (!aside || !toggle) { return; }
    aside.classList.toggle("is-collapsed", !open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  if (layout) { layout.classList.add("quiz-js"); }
  if (toggle && panel) {
    toggle.hidden = false;
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(aside.classList.contains("is-collapsed"));
    });
  }

  function focusQuestion(target) {
    var control = target.querySelector("input:checked") ||
      target.querySelector("input:not([type=hidden]), select, textarea");
    target.scrollIntoView({ block: "start" });
    if (control && !control.disabled) { control.focus({ preventScroll: true }); }
    else if (target.hasAttribute("tabindex")) { target.focus({ preventScroll: true }); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#slot-"], a[href="#quiz-submit"]');
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    if (confirmDialog && confirmDialog.open) { confirmDialog.close(); }
    if (narrow.matches) { setOpen(false); }
    if (target.id === "quiz-submit") {
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    } else {
      focusQuestion(target);
    }
    if (window.history && window.history.replaceState) { window.history.replaceState(null, "", "#" + target.id); }
  });

  // --- submit: the summary, then a confirm step --------------------------------------------

  var confirmDialog = form.querySelector("[data-quiz-confirm]");
  var canDialog = confirmDialog && typeof confirmDialog.showModal === "function";
  if (confirmDialog) {
    var cancel = confirmDialog.querySelector("[data-quiz-confirm-cancel]");
    if (cancel) { cancel.addEventListener("click", function () { confirmDialog.close(); }); }
  }

  function finalSubmit() {
    if (seqInput) { seqInput.value = String(seq + 1); }
    submitting = true;
    try { window.localStorage.removeItem(flagKey); } catch (error) { /* nothing kept */ }
    HTMLFormElement.prototype.submit.call(form);
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var isFinal = !submitter || !submitter.hasAttribute("formaction");
    if (isFinal && !submitting && submitter && submitter.hasAttribute("data-quiz-submit") && canDialog) {
      event.preventDefault();
      refresh();
      confirmDialog.showModal();
      return;
    }
    if (isFinal) { try { window.localStorage.removeItem(flagKey); } catch (error) { /* nothing kept */ } }
    if (timer) { clearTimeout(timer); timer = null; }
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    if (inFlight && !submitting) {
      event.preventDefault();
      inFlight.then(function () {
        submitting = true;
        // Past every save tried so far, answered or not (one may have reached the server).
        if (seqInput) { seqInput.value = String(seq + 1); }
        if (submitter && submitter.hasAttribute("formaction")) { form.action = submitter.getAttribute("formaction"); }
        HTMLFormElement.prototype.submit.call(form);
      });
      return;
    }
    if (seqInput) { seqInput.value = String(seq + 1); }
  });

  refresh();

  // --- countdown: stays in view; warns at 5 and 1 minutes; submits at 0 ----------------------

  var clock = document.querySelector("[data-quiz-timer]");
  if (clock) {
    var box = document.querySelector("[data-quiz-timer-box]");
    var alertEl = document.querySelector("[data-quiz-timer-alert]");
    var deadline = Date.now() + (parseInt(clock.getAttribute("data-remaining"), 10) || 0) * 1000;
    var warned = 0; // 0: none yet, 5: the 5-minute warning given, 1: the 1-minute one

    var warn = function (level) {
      warned = level;
      if (box) {
        box.classList.add("is-warning");
        box.classList.toggle("is-urgent", level === 1);
      }
      if (alertEl) { alertEl.textContent = alertEl.getAttribute(level === 1 ? "data-warn1" : "data-warn5"); }
    };

    var tick = function () {
      var msLeft = deadline - Date.now();
      var left = Math.max(0, Math.ceil(msLeft / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left < 60 && warned !== 1) { warn(1); }
      else if (left < 300 && warned === 0) { warn(5); }
      if (left <= 0) {
        if (confirmDialog && confirmDialog.open) { confirmDialog.close(); }
        finalSubmit();
        return;
      }
      // Wake at the next whole second (a throttled background tab catches up from the clock).
      setTimeout(tick, (msLeft % 1000) || 1000);
    };
    tick();
  }
})();
