/* Small behaviours shared by every page (the site works without them). */
(function () {
  "use strict";
  // Printed charts come with their data tables: open the folded tables before printing.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-data:not([open])").forEach(function (details) {
      details.setAttribute("open", "");
      details.setAttribute("data-opened-for-print", "");
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-opened-for-print]").forEach(function (details) {
      details.removeAttribute("open");
      details.removeAttribute("data-opened-for-print");
    });
  });
  // Share links and embed codes: one click selects the whole text, ready to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy-field")) event.target.select();
  });
})();
