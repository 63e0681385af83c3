// Drop-a-file check on the public verify page: the SHA-256 of the chosen PDF is computed in
// the browser (crypto.subtle.digest) and compared with the hash of the issued file.
(function () {
  "use strict";
  var section = document.getElementById("file-check");
  if (!section) return;
  var input = document.getElementById("verify-file");
  var result = document.getElementById("verify-file-result");
  var hashOut = document.getElementById("verify-file-hash");
  var zone = section.querySelector(".verify-drop");
  var expected = (section.dataset.expected || "").toLowerCase();

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function show(ok, text) {
    result.textContent = text;
    result.className = ok ? "mt-2 verify-ok" : "mt-2 verify-bad";
    result.dataset.match = ok ? "yes" : "no";
  }

  function check(file) {
    if (!file) return;
    if (!window.crypto || !window.crypto.subtle) {
      show(false, section.dataset.msgUnsupported);
      return;
    }
    file.arrayBuffer().then(function (buffer) {
      return window.crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      var value = hex(digest);
      hashOut.textContent = value;
      if (value === expected) {
        show(true, section.dataset.msgMatch);
      } else {
        show(false, section.dataset.msgMismatch);
      }
    });
  }

  input.addEventListener("change", function () { check(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("is-dragover");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("is-dragover"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) check(event.dataTransfer.files[0]);
  });
})();
