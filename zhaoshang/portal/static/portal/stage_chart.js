// The home page's projects by stage (data: json_script "stage-chart-data").
(function () {
  var el = document.getElementById("stage-chart");
  var source = document.getElementById("stage-chart-data");
  if (!el || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 40, right: 16, top: 28, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.values, name: "项目数", barMaxWidth: 48,
               itemStyle: { color: "#0d6efd" }, label: { show: true, position: "top" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
