// The home page's projects by stage (data: json_script "stage-chart-data").
(function () {
  var el = document.getElementById("stage-chart");
  var source = document.getElementById("stage-chart-data");
  if (!el || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  // Each bar in its stage's colour, defined once in static/css/stages.css (as the badges).
  var css = getComputedStyle(document.documentElement);
  function stageColour(stage) { return css.getPropertyValue("--stage-" + stage).trim(); }
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 40, right: 16, top: 28, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", name: "项目数", barMaxWidth: 48, label: { show: true, position: "top" },
               data: data.values.map(function (value, i) {
                 return { value: value, itemStyle: { color: stageColour(data.stages[i]) } };
               }) }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
