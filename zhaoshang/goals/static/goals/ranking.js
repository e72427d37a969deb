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

// On a phone the ranking shows 名次, 单位, 总分 and 较上期; the indicator columns open on a tap
// (without JS every column stays shown).
(function () {
  var box = document.getElementById("ranking-tables");
  var button = document.getElementById("toggle-details");
  if (!box || !button) { return; }
  box.classList.add("details-hidden");
  button.hidden = false;
  button.addEventListener("click", function () {
    var hidden = box.classList.toggle("details-hidden");
    button.setAttribute("aria-expanded", hidden ? "false" : "true");
    button.textContent = hidden ? "显示指标明细" : "收起指标明细";
  });
})();
