/* Observation drafts on a phone. Every change is queued on the phone at once
   (LAOfflineQueue, localStorage) and posted to the draft endpoint (debounced) with the
   server revision it was made on; the server refuses a save made on an older revision (409)
   and the page then shows both versions and lets the assessor choose. Offline, changes wait
   in the queue and are sent when the connection is back (the page says so, aria-live).
   Photos and audio upload as soon as they are chosen. A service worker keeps this page and
   its static files for use without a connection. Submitting is a normal form POST, after
   the lock is confirmed. */
(function () {
  "use strict";
  var done = document.querySelector("[data-clear-draft]");
  if (done && window.LAOfflineQueue) {
    window.LAOfflineQueue.clear(done.getAttribute("data-clear-draft"));
    window.LAOfflineQueue.clear(done.getAttribute("data-clear-draft") + ":sent");
  }
  var form = document.getElementById("observation-form");
  if (!form || !window.LAOfflineQueue) { return; }
  var Q = window.LAOfflineQueue;
  document.documentElement.classList.add("js-observation");
  var key = form.getAttribute("data-storage-key");
  var url = form.getAttribute("data-autosave-url");
  var statusEl = document.getElementById("autosave-status");
  var connectionEl = document.getElementById("connection-status");
  var conflictEl = document.getElementById("draft-conflict");
  var base = parseInt(form.getAttribute("data-revision") || "0", 10);
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var syncing = false;
  var wentOffline = false;
  var conflict = null; // the server's {revision, data, saved_at} while the assessor chooses
  var retryTimer = null;
  var retryDelay = 0;

  function text(name) { return form.getAttribute("data-text-" + name) || ""; }
  function setStatus(name) {
    if (statusEl && statusEl.getAttribute("data-" + name)) {
      statusEl.textContent = statusEl.getAttribute("data-" + name);
      statusEl.setAttribute("data-state", name);
    }
  }
  function showConnection(name) {
    if (!connectionEl) { return; }
    if (!name) { connectionEl.hidden = true; connectionEl.removeAttribute("data-state"); return; }
    connectionEl.textContent = connectionEl.getAttribute("data-" + name);
    connectionEl.className = "callout small " + (name === "offline" ? "callout-warning" : "callout-success");
    connectionEl.setAttribute("data-state", name);
    connectionEl.hidden = false;
  }
  function offline() {
    wentOffline = true;
    setStatus("offline");
    showConnection("offline");
  }
  function saved() {
    setStatus("saved");
    if (wentOffline) { wentOffline = false; showConnection("synced"); }
  }
  function skip(el) {
    return !el.name || el.name === "csrfmiddlewaretoken" || el.name === "confirm_lock" ||
      el.type === "submit" || el.type === "button" || el.type === "file";
  }
  function collect() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skip(el)) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      data[el.name] = el.value;
    });
    return data;
  }
  function apply(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skip(el)) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = data[el.name] === el.value; }
      else if (el.name in data) { el.value = data[el.name]; }
      else if (el.tagName !== "SELECT") { el.value = ""; }
    });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // No answer (offline) or a server error (5xx, e.g. the database restarting): the change
  // stays queued and is sent again 2 s, 4 s... up to 30 s later (and by the 15 s interval, and
  // when the browser is back online). A retry names the same base revision: if the first try
  // did reach the server, the answer is 409 with the server's copy: the page adopts its
  // revision without asking when nothing changed since (showConflict), else shows both.
  function retryLater() {
    offline();
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    if (retryTimer) { clearTimeout(retryTimer); }
    retryTimer = setTimeout(function () { retryTimer = null; sync(); }, retryDelay);
  }

  function sync() {
    var entry = Q.get(key);
    if (!entry || !entry.dirty || syncing || conflict) { return; }
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    syncing = true;
    var sent = entry.data;
    remember(entry.base, sent);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ base: entry.base, revision: entry.base, data: sent })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        syncing = false;
        if (response.status >= 500) { retryLater(); return; }
        retryDelay = 0;
        if (response.ok && body.ok) {
          base = body.revision;
          var now = Q.get(key);
          var stillSame = now && same(now.data, sent);
          Q.put(key, base, now ? now.data : sent, !stillSame);
          if (stillSame) { saved(); } else { schedule(); }
        } else if (response.status === 409 && body.code === "stale") {
          showConflict(body);
        } else if (response.status === 409) {
          setStatus("conflict");
        } else {
          setStatus("conflict");
        }
      });
    }).catch(function () { syncing = false; retryLater(); });
  }
  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(sync, 500);
  }
  function changed(event) {
    if (event && event.target && skip(event.target)) { return; }
    Q.put(key, base, collect(), true);
    // While both versions are shown, a change (or the blur the shown choice causes) waits
    // for the assessor's choice, and the status keeps saying so.
    if (conflict) { setStatus("choose"); } else if (!Q.online()) { offline(); } else { setStatus("pending"); }
    schedule();
  }

  // --- conflicts: show both versions, let the assessor choose ---------------------------
  function describe(name, value) {
    var el = form.elements[name];
    var label = name;
    var shown = value;
    var field = form.querySelector("[name='" + name + "']");
    if (field) {
      var fieldset = field.closest("fieldset");
      var own = form.querySelector("label[for='" + field.id + "']");
      if (name.indexOf("r_") === 0 || name.indexOf("c_") === 0) {
        var legend = fieldset && fieldset.querySelector("legend");
        label = legend ? legend.textContent.trim() : name;
        if (name.indexOf("c_") === 0 && own) { label += " · " + own.textContent.trim(); }
      } else if (own) { label = own.textContent.trim(); }
      if (field.type === "radio") {
        var option = form.querySelector("input[name='" + name + "'][value='" + value + "']");
        var optionLabel = option && form.querySelector("label[for='" + option.id + "']");
        if (optionLabel) { shown = optionLabel.textContent.trim(); }
      } else if (field.tagName === "SELECT" && el) {
        var opt = Array.prototype.find.call(field.options, function (o) { return o.value === value; });
        if (opt) { shown = opt.textContent.trim(); }
      }
    }
    label = label.replace(/\s*\*\s*$/, ""); // the required-field mark
    return (text("pair") || "{label}: {value}").replace("{label}", label)
      .replace("{value}", shown === undefined || shown === "" ? text("none") : shown);
  }
  function fill(list, names, data) {
    list.textContent = "";
    names.forEach(function (name) {
      var li = document.createElement("li");
      li.textContent = describe(name, data[name]);
      list.appendChild(li);
    });
  }
  // The last states this phone sent, each with the revision it was made on (kept across
  // reloads): a 409 whose server copy is one of them, one revision on, is this phone's own
  // save whose answer was lost, not another device's.
  function sentStates() {
    try {
      var list = JSON.parse(localStorage.getItem(key + ":sent") || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }
  function remember(madeOn, data) {
    var list = sentStates().filter(function (s) { return s && s.base === madeOn; });
    list.push({ base: madeOn, data: data });
    try { localStorage.setItem(key + ":sent", JSON.stringify(list.slice(-5))); } catch (e) { /* private mode */ }
  }
  function differences(a, b) {
    var names = [];
    Object.keys(a).concat(Object.keys(b)).forEach(function (name) {
      if (names.indexOf(name) < 0 && (a[name] || "") !== (b[name] || "")) { names.push(name); }
    });
    return names;
  }
  function showConflict(server) {
    var entry = Q.get(key);
    var local = entry ? entry.data : collect();
    var names = differences(local, server.data || {});
    var mine = sentStates().some(function (s) {
      return s && s.data && s.base + 1 === server.revision && !differences(s.data, server.data || {}).length;
    });
    if (names.length && mine) {
      // The server holds this phone's earlier try; what changed here since goes on top.
      base = server.revision; Q.put(key, base, local, true); schedule(); return;
    }
    if (!names.length) {
      // Same content (typically a retry whose first try reached the server but whose answer
      // was lost): adopt the server's revision and carry on; it is saved, so say so.
      base = server.revision; Q.put(key, base, local, false); saved(); return;
    }
    conflict = server;
    fill(conflictEl.querySelector("[data-side=local]"), names, local);
    fill(conflictEl.querySelector("[data-side=server]"), names, server.data || {});
    conflictEl.querySelector(".conflict-saved-at").textContent = server.saved_at ? "(" + server.saved_at + ")" : "";
    conflictEl.hidden = false;
    setStatus("choose");
    conflictEl.querySelector(".callout-title").focus();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-conflict-choice]"), function (button) {
    button.addEventListener("click", function () {
      if (!conflict) { return; }
      var server = conflict;
      conflict = null;
      conflictEl.hidden = true;
      base = server.revision;
      if (button.getAttribute("data-conflict-choice") === "server") {
        apply(server.data || {});
        Q.put(key, base, collect(), false);
        saved();
      } else {
        var entry = Q.get(key);
        Q.put(key, base, entry ? entry.data : collect(), true);
        setStatus("pending");
        sync();
      }
    });
  });

  // --- photos and audio -------------------------------------------------------------------
  function attachmentItem(a) {
    var li = document.createElement("li");
    li.className = "attachment";
    li.setAttribute("data-attachment", a.id);
    var media;
    if (a.kind === "photo") {
      media = document.createElement("img");
      media.className = "attachment-thumb";
      media.alt = text("photo-alt") + " " + (a.name || "");
    } else {
      media = document.createElement("audio");
      media.controls = true;
      media.preload = "none";
      media.setAttribute("aria-label", a.kind_label + " " + (a.name || ""));
    }
    media.src = a.url;
    li.appendChild(media);
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-link btn-sm text-danger p-0";
    remove.setAttribute("data-remove-attachment", a.remove_url);
    remove.textContent = text("remove");
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + a.kind_label + " " + (a.name || "");
    remove.appendChild(hidden);
    li.appendChild(remove);
    return li;
  }
  function post(target, body) {
    return fetch(target, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false }; });
    });
  }
  function audioTooLong(file) {
    return new Promise(function (resolve) {
      var probe = document.createElement("audio");
      var src = URL.createObjectURL(file);
      probe.preload = "metadata";
      probe.onloadedmetadata = function () { URL.revokeObjectURL(src); resolve(isFinite(probe.duration) && probe.duration > 120); };
      probe.onerror = function () { URL.revokeObjectURL(src); resolve(false); };
      probe.src = src;
    });
  }
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.files || !input.files.length) { return; }
    var box = input.closest(".item-attachments");
    var status = box.querySelector(".attach-status");
    if (!Q.online()) { status.textContent = text("upload-offline"); return; }
    var kind = input.getAttribute("data-attach-kind");
    var file = input.files[0];
    (kind === "audio" ? audioTooLong(file) : Promise.resolve(false)).then(function (tooLong) {
      if (tooLong) { status.textContent = text("audio-long"); input.value = ""; return; }
      var body = new FormData();
      body.append("item", box.getAttribute("data-item"));
      body.append("kind", kind);
      body.append("file", file);
      status.textContent = text("uploading");
      post(form.getAttribute("data-attach-url"), body).then(function (result) {
        if (result.ok) {
          box.querySelector(".attachment-list").appendChild(attachmentItem(result.attachment));
          status.textContent = text("attached");
          status.setAttribute("data-state", "attached");
          input.value = "";
        } else {
          status.textContent = result.error || "";
          status.setAttribute("data-state", "error");
        }
      }).catch(function () { status.textContent = text("upload-offline"); });
    });
  });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-attachment]");
    if (!button) { return; }
    event.preventDefault();
    post(button.getAttribute("data-remove-attachment"), new FormData()).then(function (result) {
      if (result.ok) { button.closest("li").remove(); }
    });
  });

  // --- submit: only once the lock is confirmed --------------------------------------------
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.getAttribute("formaction")) { return; }
    var confirm = document.getElementById("confirm_lock");
    if (confirm && !confirm.checked) {
      event.preventDefault();
      var box = document.getElementById("confirm-lock-box");
      box.classList.add("needs-confirmation");
      confirm.focus();
      box.scrollIntoView({ block: "center" });
    }
  });

  // --- start: the queued state of this phone, or the server's ------------------------------
  var serverData = collect();
  var entry = Q.get(key);
  if (entry && entry.dirty) {
    if (entry.base >= base) {
      // This phone's unsent changes (a page served from the offline copy may be older).
      base = entry.base; apply(entry.data); schedule();
    } else if (!same(entry.data, serverData)) {
      // Changed here on a revision older than the page now has: ask which to keep.
      var pageRevision = base;
      base = entry.base;
      showConflict({ revision: pageRevision, data: serverData, saved_at: "" });
    } else { Q.put(key, base, serverData, false); }
  } else if (entry && entry.base > base) {
    base = entry.base; apply(entry.data); // the offline copy of the page is older than the last save
  } else {
    Q.put(key, base, serverData, false);
  }
  if (!Q.online()) { offline(); } // opened from the offline copy
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", offline);
  setInterval(sync, 15000);

  // --- the offline worker ------------------------------------------------------------------
  var sw = form.getAttribute("data-sw-url");
  if (sw && "serviceWorker" in navigator) {
    var scope = sw.replace(/[^/]*$/, "");
    navigator.serviceWorker.register(sw, { scope: scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [location.pathname];
      Array.prototype.forEach.call(document.querySelectorAll("link[rel=stylesheet][href], script[src], link[rel=icon][href], link[rel=manifest][href]"), function (el) {
        urls.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      if (registration.active) { registration.active.postMessage({ type: "cache", urls: urls }); }
      document.documentElement.setAttribute("data-offline-ready", "1");
    }).catch(function () { /* no worker: the queue still keeps every change */ });
  }
})();
