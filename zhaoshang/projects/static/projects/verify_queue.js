// The verification queue: the evidence preview opens in the side panel beside the rows; a
// decided row leaves in place (the server's response removes it) and an emptied page reloads
// its results, so the next records come up without a jump to the top.
(function () {
  var panel = document.getElementById("evidence-panel");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".js-preview");
    if (!link) { return; }
    document.querySelectorAll(".queue-row.is-previewed").forEach(function (row) {
      row.classList.remove("is-previewed");
    });
    var row = document.getElementById(link.dataset.row);
    if (row) { row.classList.add("is-previewed"); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (panel && event.detail.target.id === "evidence-panel-body") {
      bootstrap.Offcanvas.getOrCreateInstance(panel).show();
    }
  });
  if (panel) {
    panel.addEventListener("hidden.bs.offcanvas", function () {
      document.getElementById("evidence-panel-body").innerHTML = "";
      document.querySelectorAll(".queue-row.is-previewed").forEach(function (row) {
        row.classList.remove("is-previewed");
      });
    });
  }
  document.addEventListener("queue:decided", function () {
    // Out-of-band swaps settle after the trigger: look once they are done.
    window.setTimeout(function () {
      var results = document.getElementById("queue-results");
      if (results && !results.querySelector(".queue-row")) {
        htmx.ajax("GET", window.location.href, { target: "#queue-results", swap: "innerHTML" });
      }
    }, 50);
  });
})();
