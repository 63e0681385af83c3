/* Lesson page: instant feedback on self-check questions (formative, not graded), remembering
   how far the trainee read, and completing the lesson when they scroll to its end. */
(function () {
  "use strict";

  document.querySelectorAll("[data-self-check]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var output = form.querySelector("[data-self-check-feedback]");
      var chosen = form.querySelector("input[type=radio]:checked");
      if (!chosen) {
        output.textContent = output.dataset.msgChoose;
        output.className = "self-check-feedback mt-2 mb-0";
        return;
      }
      var correct = chosen.dataset.correct === "1";
      var lead = correct ? output.dataset.msgCorrect : output.dataset.msgWrong;
      output.textContent = lead + (chosen.dataset.feedback ? " " + chosen.dataset.feedback : "");
      output.className = "self-check-feedback mt-2 mb-0 " + (correct ? "is-correct" : "is-wrong");
    });
  });

  var lesson = document.querySelector("[data-lesson][data-position-url]");
  if (!lesson) { return; }
  var form = lesson.querySelector("[data-complete-form]");
  var tokenInput = lesson.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var furthest = parseInt(lesson.dataset.position || "0", 10) || 0;
  var saved = furthest;
  var completed = lesson.dataset.completed === "1";
  var userScrolled = false;

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      body: new URLSearchParams(data)
    });
  }

  function savePosition() {
    // A completed lesson needs no resume position.
    if (!token || completed || furthest <= saved) { return; }
    saved = furthest;
    post(lesson.dataset.positionUrl, { position: String(furthest) });
  }

  function markCompleted() {
    if (completed || !token) { return; }
    completed = true;
    post(lesson.dataset.completeUrl, { position: String(furthest) }).then(function (response) {
      if (!response.ok) { completed = false; return; }
      var status = lesson.querySelector("[data-completion-status]");
      var message = lesson.querySelector("[data-msg-completed]");
      if (status && message) {
        status.innerHTML = "";
        var badge = document.createElement("span");
        badge.className = "state state-done";
        badge.textContent = message.textContent;
        status.appendChild(badge);
      }
      if (form) { form.remove(); }
    }).catch(function () { completed = false; });
  }

  if (!("IntersectionObserver" in window)) { return; }

  var blocks = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        var index = parseInt(entry.target.dataset.blockIndex, 10) || 0;
        if (index > furthest) { furthest = index; }
      }
    });
  }, { threshold: 0.5 });
  lesson.querySelectorAll("[data-block-index]").forEach(function (el) { blocks.observe(el); });

  window.addEventListener("scroll", function () { userScrolled = true; }, { passive: true, once: true });

  var end = lesson.querySelector("[data-lesson-end]");
  if (end) {
    new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        // Only on *reaching* the end: a lesson that fits on one screen is completed by the button.
        if (entry.isIntersecting && userScrolled) { markCompleted(); }
      });
    }).observe(end);
  }

  window.setInterval(savePosition, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { savePosition(); }
  });
  window.addEventListener("pagehide", savePosition);
})();
