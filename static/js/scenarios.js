// Role-play run page: a choice (or "go back one step") is posted with fetch and the answer,
// the run's own page at its one address, replaces the page's content in place. So choices add
// no history entries, and the browser's Back button leaves the run for the page before it.
// Without this script the forms still work: POST, redirect, GET of the same address.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.querySelector("[data-scenario-run]")) { return; }
  var busy = false;

  function nativeSubmit(form, submitter) {
    // The fallback: the ordinary form post (the server answers with a page, even an error).
    if (submitter && submitter.name) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = submitter.name;
      field.value = submitter.value;
      form.appendChild(field);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function swapIn(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var nextMain = next.getElementById("main");
    if (!nextMain || !nextMain.querySelector("[data-scenario-run]")) { return false; }
    main.replaceChildren.apply(main, Array.prototype.map.call(nextMain.childNodes, function (node) {
      return document.importNode(node, true);
    }));
    if (next.title) { document.title = next.title; }
    // Like a new page: back to the top, focus on what changed (the feedback, else the step,
    // else the heading of the end screen), so screen readers read it.
    var target = main.querySelector("[data-scenario-focus]") || main.querySelector("h1") || main;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    window.scrollTo(0, 0);
    target.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-scenario-move")) { return; }
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    var submitter = event.submitter || null;
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var root = main.querySelector("[data-scenario-run]");
    if (root) { root.setAttribute("aria-busy", "true"); }
    Array.prototype.forEach.call(main.querySelectorAll("form[data-scenario-move] button"), function (button) {
      button.disabled = true;
    });
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      var here = new URL(window.location.href);
      var there = new URL(response.url);
      if (!response.ok) { throw new Error("status " + response.status); }
      if (there.pathname !== here.pathname) {
        // The run is closed (or gone): show where the server sent us, in place of the run.
        window.location.replace(response.url);
        return null;
      }
      return response.text().then(function (html) {
        if (!swapIn(html)) { window.location.replace(response.url); }
      });
    }).catch(function () {
      nativeSubmit(form, submitter);
    }).then(function () {
      busy = false;
    });
  });
})();
