/* Lesson page: instant feedback on self-check questions (formative, not graded), the course
   outline (open beside the lesson from 992 px, closed above it on phones), remembering how
   far the trainee read, and completing the lesson when the trainee presses the button (a
   fetch; without JavaScript the form posts and the page comes back). Completion never happens
   on its own: reaching the end of the lesson only saves the position. */
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

  var outline = document.querySelector("[data-course-outline]");
  if (outline && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 992px)");
    var place = function () { outline.open = wide.matches; };
    place();
    if (wide.addEventListener) { wide.addEventListener("change", place); }
  }

  var lesson = document.querySelector("[data-lesson][data-position-url]");
  if (!lesson) { return; }
  var form = lesson.querySelector("[data-complete-form]");
  var tokenInput = lesson.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";
  var furthest = parseInt(lesson.dataset.position || "0", 10) || 0;
  var saved = furthest;
  var completed = lesson.dataset.completed === "1";

  function post(url, data, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      body: new URLSearchParams(data)
    });
  }

  // Opening the lesson is recorded by this POST, not by the page's GET (sent only when the
  // server said there is something to record: a first visit, or a new resume point).
  if (token && lesson.dataset.visitUrl && window.fetch) {
    post(lesson.dataset.visitUrl, { visit: "1" })
      .then(function (response) { return response.text(); })  // read: the request is done
      .catch(function () {});
  }

  function savePosition() {
    // A completed lesson needs no resume position.
    if (!token || completed || furthest <= saved) { return; }
    saved = furthest;
    post(lesson.dataset.positionUrl, { position: String(furthest) }, true);
  }

  function showCompleted() {
    var status = lesson.querySelector("[data-completion-status]");
    var todo = lesson.querySelector("[data-completion-todo]");
    lesson.querySelectorAll("[data-status-done]").forEach(function (el) { el.hidden = false; });
    // The outline's badge of this lesson says done too (the same words as the page's).
    var done = lesson.querySelector("[data-status-done] .state");
    var badge = document.querySelector("[data-course-outline] a[aria-current=page] .state");
    if (done && badge) { badge.className = done.className; badge.textContent = done.textContent; }
    lesson.querySelectorAll("[data-status-todo]").forEach(function (el) { el.remove(); });
    if (status) {
      status.hidden = false;
      // The button is about to go: keep the keyboard user's place on the news instead.
      status.focus();
    }
    if (todo) { todo.remove(); }
  }

  if (form && token && window.fetch) {
    var button = form.querySelector("[type=submit]");
    var error = lesson.querySelector("[data-completion-error]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (completed) { return; }
      button.disabled = true;
      if (error) { error.hidden = true; }
      post(lesson.dataset.completeUrl, { position: String(furthest) }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        completed = true;
        showCompleted();
      }).catch(function () {
        button.disabled = false;
        if (error) { error.hidden = false; }
        button.focus();
      });
    });
  }

  if (!("IntersectionObserver" in window)) { return; }

  var blocks = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        var index = parseInt(entry.target.dataset.blockIndex, 10) || 0;
        if (index > furthest) {
          furthest = index;
          if (form && form.elements.position) { form.elements.position.value = String(furthest); }
        }
      }
    });
  }, { threshold: 0.5 });
  lesson.querySelectorAll("[data-block-index]").forEach(function (el) { blocks.observe(el); });

  window.setInterval(savePosition, 15000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { savePosition(); }
  });
  window.addEventListener("pagehide", savePosition);
})();
