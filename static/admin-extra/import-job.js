// Follows an import job on its admin page (templates/admin/contamination/import.html):
// polls the job's status.json, moves the progress bar, and reloads the page when the job
// ends so that the server renders its report.
"use strict";

(function () {
  const box = document.getElementById("import-job");
  if (!box) {
    return;
  }
  const bar = document.getElementById("import-job-progress");
  const stage = document.getElementById("import-job-stage");
  const url = box.dataset.statusUrl;

  function show(job) {
    if (job.percent === null) {
      bar.removeAttribute("value"); // indeterminate until the rows are counted
    } else {
      bar.value = job.percent;
      bar.textContent = job.percent + " %";
    }
    stage.textContent = job.stage || "waiting to start";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((job) => {
        show(job);
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(() => window.setTimeout(poll, 5000));
  }

  window.setTimeout(poll, 500);
})();
