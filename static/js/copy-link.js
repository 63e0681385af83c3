// Copy buttons for one-off links: <button data-copy-target="<input id>"
// data-copy-status="<live region id>" data-msg-copied="…" data-msg-failed="…" hidden>.
// The button stays hidden without JavaScript; the read-only field can still be selected.
(function () {
  "use strict";

  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () {
      input.select();
    });
  });

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copyTarget);
    if (!input) return;
    var status = document.getElementById(button.dataset.copyStatus || "");

    function report(ok) {
      if (status) status.textContent = ok ? button.dataset.msgCopied : button.dataset.msgFailed;
      button.dataset.copied = ok ? "yes" : "no";
    }

    function fallback() {
      input.focus();
      input.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      report(ok);
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () {
          report(true);
        }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
