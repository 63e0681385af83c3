/* Observation drafts: every change is kept in localStorage at once and posted to the draft
   endpoint (debounced). A lost connection loses nothing: unsynced changes are re-sent when the
   browser is back online or the page is opened again. Submitting is a normal form POST. */
(function () {
  "use strict";
  var done = document.querySelector("[data-clear-draft]");
  if (done) {
    try { localStorage.removeItem(done.getAttribute("data-clear-draft")); } catch (e) { /* private mode */ }
  }
  var form = document.getElementById("observation-form");
  if (!form) { return; }
  var key = form.getAttribute("data-storage-key");
  var url = form.getAttribute("data-autosave-url");
  var statusEl = document.getElementById("autosave-status");
  var revision = parseInt(form.getAttribute("data-revision") || "0", 10);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var syncing = false;

  function setStatus(name) {
    if (statusEl && statusEl.getAttribute("data-" + name)) {
      statusEl.textContent = statusEl.getAttribute("data-" + name);
      statusEl.setAttribute("data-state", name);
    }
  }
  function readLocal() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function writeLocal(value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* quota or private mode */ }
  }
  function collect() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      data[el.name] = el.value;
    });
    return data;
  }
  function apply(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === data[el.name]; }
      else { el.value = data[el.name]; }
    });
  }
  function sync() {
    var local = readLocal();
    if (!local || local.synced || syncing) { return; }
    syncing = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ revision: local.revision, data: local.data })
    }).then(function (response) {
      syncing = false;
      if (response.ok) {
        var now = readLocal();
        if (now && now.revision === local.revision) { now.synced = true; writeLocal(now); }
        setStatus("saved");
        if (now && !now.synced) { schedule(); }
      } else if (response.status === 409) {
        setStatus("conflict");
      } else {
        setStatus("offline");
      }
    }).catch(function () { syncing = false; setStatus("offline"); });
  }
  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(sync, 600);
  }
  function changed() {
    revision += 1;
    writeLocal({ revision: revision, data: collect(), synced: false });
    setStatus(navigator.onLine === false ? "offline" : "pending");
    schedule();
  }

  var local = readLocal();
  if (local && local.revision > revision) {
    apply(local.data);
    revision = local.revision;
    if (!local.synced) { schedule(); }
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", sync);
  setInterval(sync, 15000);
})();
