// Progress of a bulk certificate job: polls the JSON endpoint until the job is finished.
(function () {
  "use strict";
  var box = document.getElementById("bulk-progress");
  if (!box) return;
  var bar = document.getElementById("bulk-progress-bar");
  var url = box.dataset.url;

  function update(data) {
    bar.max = data.total || 1;
    bar.value = data.done;
    bar.textContent = data.percent + "%";
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var key = el.dataset.field;
      if (key in data) el.textContent = data[key];
    });
    return data.status;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var status = update(data);
        if (status !== "done") {
          window.setTimeout(poll, 1500);
        } else if (data.failed > 0 && !document.querySelector("[data-testid=bulk-failures]")) {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
})();
