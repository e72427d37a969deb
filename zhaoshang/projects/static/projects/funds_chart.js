// The project page's chart of verified funds by month (data: json_script "funds-chart-data").
(function () {
  var el = document.getElementById("funds-chart");
  var source = document.getElementById("funds-chart-data");
  if (!el || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  var fmt = function (v) { return Number(v).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2}) + " 万元"; };
  chart.setOption({
    aria: {enabled: true},
    tooltip: {trigger: "axis", valueFormatter: fmt},
    grid: {left: 70, right: 16, top: 30, bottom: 30},
    xAxis: {type: "category", data: data.months},
    yAxis: {type: "value", name: "万元"},
    series: [{name: "已核实到位资金", type: "bar", data: data.amounts.map(Number), itemStyle: {color: "#198754"}, barMaxWidth: 36}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
