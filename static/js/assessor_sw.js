/* The assessor area's offline worker (served at /assess/sw.js, scope /assess/; the view
   prepends self.LA_SW = {version, staticPrefix}). The observation checklist page and the
   static files it uses are cached when the page asks (first visit) and on every visit:
   pages network first, falling back to the copy kept; static files from the cache first.
   Saves are never cached or replayed here: the page queues them and sends them itself,
   with the revision they were made on. */
"use strict";
var CONFIG = self.LA_SW || { version: "dev", staticPrefix: "/static/" };
var CACHE = "la-assessor-" + CONFIG.version;
var CHECKLIST = /\/observations\/\d+\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("la-assessor-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type !== "cache" || !Array.isArray(message.urls)) { return; }
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(message.urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && response.type === "basic") { return cache.put(url, response); }
        return null;
      }).catch(function () { return null; });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) { cache.put(request, response.clone()); }
          return response;
        });
      });
    }));
    return;
  }
  if (request.mode === "navigate" && CHECKLIST.test(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname).then(function (hit) { return hit || Response.error(); });
      });
    }));
  }
});
