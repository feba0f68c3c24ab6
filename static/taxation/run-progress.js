// Polls the run's progress (a few fields of one row) every two seconds and reloads the list when it is done.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var label = box.querySelector(".progress-label");
  var url = box.dataset.url + "?year=" + encodeURIComponent(box.dataset.year) +
    (box.dataset.after ? "&after=" + encodeURIComponent(box.dataset.after) : "");
  var startingPolls = 0;

  function show(data) {
    bar.value = data.percent || 0;
    if (data.status === "starting" || data.status === "none") {
      startingPolls += 1;
      label.textContent = startingPolls > 60 ? box.dataset.tNotStarted || "…" : (box.dataset.tStarting || "…");
      return startingPolls <= 60;
    }
    var counts = data.total ? " " + data.done + " / " + data.total : "";
    label.textContent = (data.stage_label || data.stage) + counts + " (" + data.percent + "%)";
    if (data.status === "done") {
      window.location.assign(box.dataset.doneUrl);
      return false;
    }
    if (data.status === "failed") {
      window.location.assign(data.run_url);
      return false;
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) { if (show(data)) { window.setTimeout(poll, 2000); } })
      .catch(function () { window.setTimeout(poll, 5000); });  // a slow link: try again, less often
  }
  poll();
})();
