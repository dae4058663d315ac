// Follows a long-running task: polls the element's data-progress-url while it is active,
// updates the <progress> bar and text (the server's own summary where it gives one, e.g.
// "Rendering: 12 of 29"), and reloads the page once the task has finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || box.dataset.active !== "1") return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[aria-live]");
  var label = box.dataset.progressLabel || "Rendering";  // the word for a running task
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (p) {
        bar.value = p.percent;
        text.textContent = p.summary || (p.state === "running" ? label : p.state) + ": " + p.done + " of " + p.total;
        if (p.state === "queued" || p.state === "running") setTimeout(poll, 1500);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
