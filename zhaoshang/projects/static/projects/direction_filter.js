// 细分方向 lists only the directions of the chosen 产业: the options the page was given (each
// with its data-industry) are kept aside and put back per industry; a direction of another
// industry is cleared. With no industry chosen, every direction is offered.
(function () {
  document.querySelectorAll("select[data-industry-select]").forEach(function (select) {
    var industry = document.getElementById(select.dataset.industrySelect);
    if (!industry) { return; }
    var all = Array.prototype.slice.call(select.options);
    function refill() {
      var chosen = industry.value;
      var current = select.value;
      while (select.options.length) { select.remove(0); }
      all.forEach(function (option) {
        var of = option.dataset.industry;
        if (!of || !chosen || of === chosen) { select.add(option); }
      });
      select.value = current;
      if (select.value !== current) { select.value = ""; }
    }
    industry.addEventListener("change", refill);
    refill();
  });
})();
