/* The scenario editor's step pickers (content.forms.scenario.StepKeySelect): every
   "at step" / "leads to step" select offers the steps written in the same form, refreshed
   as the trainer types a step's key or text, adds a step or a choice, or removes a step.
   The selected key always stays selected, even when no step has it (yet): the scenario
   linter names it when publishing. */
(function () {
  "use strict";

  var PICKER = "select[data-step-key-select]";
  var STEP_FIELD = /^steps-\d+-(key|text|DELETE)$/;

  function truncate(text, size) {
    return text.length > size ? text.slice(0, size - 1) + "…" : text;
  }

  function isDeleted(prefix) {
    var marker = document.querySelector('[name="' + prefix + 'DELETE"]');
    if (!marker) { return false; }
    return marker.type === "checkbox" ? marker.checked : marker.value === "1";
  }

  function currentSteps() {
    var seen = {};
    var steps = [];
    document.querySelectorAll('input[name^="steps-"][name$="-key"]').forEach(function (input) {
      if (!/^steps-\d+-key$/.test(input.name)) { return; }
      var prefix = input.name.slice(0, -3);
      if (isDeleted(prefix)) { return; }
      var key = input.value.trim();
      if (!key || seen[key]) { return; }
      seen[key] = true;
      var text = document.querySelector('[name="' + prefix + 'text"]');
      var words = text ? text.value.trim().replace(/\s+/g, " ") : "";
      steps.push({ key: key, label: words ? key + " · " + truncate(words, 40) : key });
    });
    return steps;
  }

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function refresh(select, steps) {
    var current = select.value;
    var options = [option("", select.dataset.blankLabel || "")];
    var found = current === "";
    steps.forEach(function (step) {
      options.push(option(step.key, step.label));
      if (step.key === current) { found = true; }
    });
    if (!found) {
      options.push(option(current, current + " " + (select.dataset.missingLabel || "")));
    }
    select.replaceChildren.apply(select, options);
    select.value = current;
  }

  function refreshAll() {
    var steps = currentSteps();
    document.querySelectorAll(PICKER).forEach(function (select) { refresh(select, steps); });
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; refreshAll(); });
  }

  function onFieldEvent(event) {
    if (event.target && STEP_FIELD.test(event.target.name || "")) { schedule(); }
  }

  function relevant(node) {
    if (node.nodeType !== 1 || node.tagName === "OPTION") { return false; }
    var selector = PICKER + ', input[name^="steps-"]';
    return node.matches(selector) || Boolean(node.querySelector(selector));
  }

  function start() {
    if (!document.querySelector(PICKER)) { return; }
    refreshAll();
    document.addEventListener("input", onFieldEvent);
    document.addEventListener("change", onFieldEvent);
    // Opening a picker always shows the steps as they are now (e.g. after a step was
    // removed, which fires no input event).
    document.addEventListener("focusin", function (event) {
      if (event.target && event.target.matches && event.target.matches(PICKER)) {
        refresh(event.target, currentSteps());
      }
    });
    new MutationObserver(function (mutations) {
      var changed = mutations.some(function (mutation) {
        return Array.prototype.some.call(mutation.addedNodes, relevant);
      });
      if (changed) { schedule(); }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
