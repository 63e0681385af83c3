// Quiz attempt page: autosave with a sequence number, confirm before submit, countdown.
// The server decides everything (grading, deadlines, stale tabs); this only posts answers.
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

  function show(text) { if (statusEl) { statusEl.textContent = text; } }

  function save() {
    if (blocked) { return Promise.resolve(); }
    var data = new FormData(form);
    seq += 1;
    data.set("seq", String(seq));
    inFlight = fetch(saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (body.seq !== undefined) { seq = Math.max(seq, body.seq); }
        if (seqInput) { seqInput.value = String(seq + 1); }
        show(body.message || "");
        if (!response.ok && body.reason) { blocked = true; form.classList.add("quiz-blocked"); }
      });
    }).catch(function () {
      show(""); // offline: the next change or the final submit posts the answers again
    }).then(function () { inFlight = null; });
    return inFlight;
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; save(); }, 1200);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var isFinal = !submitter || !submitter.hasAttribute("formaction");
    if (isFinal && submitter && submitter.getAttribute("data-confirm") && !submitting) {
      if (!window.confirm(submitter.getAttribute("data-confirm"))) { event.preventDefault(); return; }
    }
    if (timer) { clearTimeout(timer); timer = null; }
    if (inFlight && !submitting) {
      event.preventDefault();
      inFlight.then(function () {
        submitting = true;
        if (submitter && submitter.hasAttribute("formaction")) { form.action = submitter.getAttribute("formaction"); }
        HTMLFormElement.prototype.submit.call(form);
      });
      return;
    }
    if (seqInput) { seqInput.value = String(seq + 1); }
  });

  var clock = document.querySelector("[data-quiz-timer]");
  if (clock) {
    var left = parseInt(clock.getAttribute("data-remaining"), 10);
    var tick = function () {
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 0) {
        if (seqInput) { seqInput.value = String(seq + 1); }
        submitting = true;
        HTMLFormElement.prototype.submit.call(form);
        return;
      }
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
