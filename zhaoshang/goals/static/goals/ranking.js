// The ranking page's scheme and quarter choice: a quarter opens that quarter's page, a scheme
// reloads the list with the scheme's newest quarter (the quarter is then not sent).
(function () {
  var form = document.getElementById("ranking-select");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var quarter = form.querySelector("[name=quarter]");
    if (quarter && event.target === quarter) { form.action = form.dataset.rankingsUrl + quarter.value + "/"; }
    if (quarter) { quarter.disabled = true; }
    form.submit();
  });
})();
