/* A tiny offline queue in localStorage: the latest unsent state of each draft (a newer change
   replaces an older one: only the last state matters), with the server revision it was made
   on. Shared by pages that autosave (window.LAOfflineQueue). */
(function () {
  "use strict";
  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  window.LAOfflineQueue = {
    /* {base: server revision, data: {...}, dirty: true while not yet saved} or null */
    get: function (key) {
      var entry = read(key);
      return entry && typeof entry === "object" && entry.data ? entry : null;
    },
    put: function (key, base, data, dirty) {
      return write(key, { base: base, data: data, dirty: !!dirty, at: Date.now() });
    },
    clear: function (key) {
      try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
    },
    online: function () { return navigator.onLine !== false; }
  };
})();
