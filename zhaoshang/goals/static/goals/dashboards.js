/* Charts of the cockpit (驾驶舱), unit dashboards and the wall display (大屏), with ECharts.
 *
 * Every chart is a <div data-chart="kind" data-source="json-script-id" data-key="…">; its data
 * comes from a json_script on the page, the table behind it is server-rendered next to it.
 * Maps load the vendored GeoJSON (static/vendor/maps/, no outside call), rename each polygon to
 * today's unit (the file predates 2019: 茌平县 → 茌平区) and register it once.
 */
(function () {
  "use strict";
  if (!window.echarts) { return; }

  var dark = document.body.classList.contains("zs-screen");
  var maps = {};
  var palette = ["#1e90ff", "#ffb020", "#22c55e", "#ef4444", "#a855f7", "#14b8a6", "#f97316"];

  function num(v, digits) {
    if (v === null || v === undefined || isNaN(v)) { return "—"; }
    return Number(v).toLocaleString("zh-CN", {
      minimumFractionDigits: digits || 0, maximumFractionDigits: digits === undefined ? 2 : digits
    });
  }
  // An axis tick: as many decimals as the tick needs, at most two (0, 0.2, 0.4 … 亿元, never
  // "0, 0, 0, 0, 1" for a scale under one unit).
  function tick(v) { return num(v); }
  // One unit per figure, never switched by size (as the pages' `wan` and `yi` filters).
  function wan(v) { return num(v, 2) + " 万元"; }            // funds
  function yi(v) { return num(v / 10000, 2) + " 亿元"; }     // total investment, given in 万元
  // A stage's colour, defined once in static/css/stages.css (as the badges use it).
  function stageColour(stage) {
    return getComputedStyle(document.documentElement).getPropertyValue("--stage-" + stage).trim() || null;
  }
  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function base(extra) {
    var option = { backgroundColor: "transparent", color: palette, textStyle: { fontSize: dark ? 14 : 12 } };
    for (var k in extra) { option[k] = extra[k]; }
    return option;
  }

  var builders = {
    gauges: function (items, el) {
      var n = items.length || 1;
      // Side by side, each as large as its share of the width and the height allow.
      var radius = Math.max(40, Math.min(el.clientWidth / (2 * n), el.clientHeight / 2) * 0.8);
      return base({
        tooltip: { formatter: function (p) {
          var g = items[p.seriesIndex];
          return g.label + "<br>完成 " + num(g.actual) + " / 目标 " + num(g.target) + " " + g.unit +
            "<br>完成率 " + num(g.completion, 2) + "%，时序进度 " + num(g.expected, 2) + "%";
        } },
        series: items.map(function (g, i) {
          var max = Math.max(100, Math.ceil(Math.max(g.completion, g.expected) / 20) * 20);
          return {
            type: "gauge", center: [(100 / n) * (i + 0.5) + "%", "55%"], radius: radius,
            min: 0, max: max, splitNumber: 5, startAngle: 210, endAngle: -30,
            progress: { show: true, width: 12 },
            axisLine: { lineStyle: { width: 12, color: [[Math.min(g.expected / max, 1), "#ffd24d55"], [1, dark ? "#1f2f55" : "#e9ecef"]] } },
            axisTick: { show: false }, splitLine: { length: 8, lineStyle: { width: 1 } },
            axisLabel: { distance: 14, fontSize: 10 },
            pointer: { width: 4, length: "55%" },
            title: { offsetCenter: [0, "82%"], fontSize: dark ? 15 : 13 },
            detail: { offsetCenter: [0, "45%"], fontSize: dark ? 22 : 18, formatter: function (v) { return num(v, 1) + "%"; } },
            data: [{ value: g.completion, name: g.label + "\n时序进度 " + num(g.expected, 1) + "%" }]
          };
        })
      });
    },
    funds_months: function (d) {
      return base({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return wan(v); } },
        legend: { top: 0, data: [d.year + "年", (d.year - 1) + "年"] },
        grid: { left: 60, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: d.months },
        yAxis: { type: "value", name: "万元", axisLabel: { formatter: tick } },
        series: [
          { name: d.year + "年", type: "bar", data: d.this_year, barMaxWidth: 28 },
          { name: (d.year - 1) + "年", type: "line", data: d.last_year, smooth: true, symbolSize: 6 }
        ]
      });
    },
    funnel: function (items) {
      return base({
        tooltip: { trigger: "item", formatter: function (p) {
          return p.name + "：" + num(p.value) + " 个<br>总投资 " + yi(p.data.investment);
        } },
        series: [{
          type: "funnel", sort: "none", left: "8%", width: "84%", top: 8, bottom: 8, minSize: "18%", gap: 2,
          label: { show: true, position: "inside", formatter: function (p) { return p.name + " " + num(p.value); } },
          data: items.map(function (item) {
            var colour = stageColour(item.stage);
            return colour ? Object.assign({ itemStyle: { color: colour } }, item) : item;
          })
        }]
      });
    },
    industries: function (items) {
      var top = items.slice(0, 12).reverse();
      return base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 110, right: 40, top: 8, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: top.map(function (r) { return r.name; }), axisLabel: { width: 100, overflow: "truncate" } },
        series: [{ name: "在库项目", type: "bar", data: top.map(function (r) { return r.value; }), barMaxWidth: 18,
                   label: { show: true, position: "right" } }]
      });
    },
    units: function (items) {
      return base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, data: ["在库项目", "本年到位资金"] },
        grid: { left: 48, right: 64, top: 36, bottom: 48 },
        xAxis: { type: "category", data: items.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: items.length > 8 ? 30 : 0 } },
        yAxis: [{ type: "value", name: "个", minInterval: 1 }, { type: "value", name: "亿元", axisLabel: { formatter: tick } }],
        series: [
          { name: "在库项目", type: "bar", data: items.map(function (r) { return r.value; }), barMaxWidth: 22 },
          { name: "本年到位资金", type: "line", yAxisIndex: 1, data: items.map(function (r) { return Math.round(r.funds / 100) / 100; }),
            tooltip: { valueFormatter: function (v) { return num(v, 2) + " 亿元"; } } }
        ]
      });
    },
    ranking: function (tracks) {
      var names = [], totals = [];
      tracks.forEach(function (t) {
        t.units.forEach(function (u) { names.push(t.name + " 第" + u.rank + "名 " + u.name); totals.push(u.total); });
      });
      names.reverse(); totals.reverse();
      return base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 150, right: 72, top: 8, bottom: 24 },
        xAxis: { type: "value", name: "分", axisLabel: { formatter: tick } },
        yAxis: { type: "category", data: names },
        series: [{ name: "总分", type: "bar", data: totals, barMaxWidth: 18,
                   tooltip: { valueFormatter: function (v) { return num(v, 2) + " 分"; } },
                   label: { show: true, position: "right", formatter: function (p) { return num(p.value, 2) + " 分"; } } }]
      });
    },
    map: function (d) {
      var values = d.data.map(function (r) { return r.value; });
      var max = Math.max.apply(null, values.concat([0]));
      return base({
        tooltip: { trigger: "item", formatter: function (p) {
          return p.name + "<br>" + d.indicator + "：" + (p.data ? num(p.data.value) + " " + d.unit : "—");
        } },
        visualMap: { min: 0, max: max || 1, left: dark ? "auto" : 8, right: dark ? 8 : "auto", bottom: 8,
                     calculable: true, text: ["高", "低"], itemHeight: dark ? 100 : 120,
                     inRange: { color: dark ? ["#12305e", "#1e90ff", "#7fd3ff"] : ["#e3f0ff", "#6aa9ff", "#0b4fb3"] },
                     textStyle: { color: dark ? "#e6edf7" : "#333" } },
        series: [{
          type: "map", map: "liaocheng", roam: false, selectedMode: false,
          label: { show: true, fontSize: dark ? 14 : 11, color: dark ? "#fff" : "#222" },
          itemStyle: { borderColor: dark ? "#7fd3ff" : "#fff" },
          emphasis: { label: { show: true } },
          data: d.data
        }]
      });
    },
    province: function () {
      return base({
        series: [{
          type: "map", map: "shandong", roam: false, silent: true, selectedMode: false,
          label: { show: false },
          itemStyle: { areaColor: "#16305e", borderColor: "#3c6bb0" },
          data: [{ name: "聊城市", itemStyle: { areaColor: "#ffd24d" } }]
        }]
      });
    }
  };

  function loadMap(name, url, rename) {
    if (!maps[name]) {
      maps[name] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      }).then(function (geo) {
        if (rename) {
          geo.features.forEach(function (f) {
            var unit = rename[String(f.id)];
            if (unit) { f.properties.name = unit.name; f.properties.unit = unit.unit; }
          });
        }
        echarts.registerMap(name, geo);
      });
    }
    return maps[name];
  }

  function draw(el) {
    var kind = el.getAttribute("data-chart");
    var old = echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    var chart = echarts.init(el, dark ? "dark" : null);
    if (kind === "map" || kind === "province") {
      var name = kind === "map" ? "liaocheng" : "shandong";
      var rename = kind === "map" ? json(el.getAttribute("data-features")) : null;
      var data = kind === "map" ? json(el.getAttribute("data-source")) : null;
      chart.showLoading({ text: "", color: "#1e90ff", maskColor: "transparent" });
      loadMap(name, el.getAttribute("data-geojson"), rename).then(function () {
        chart.hideLoading();
        chart.setOption(builders[kind](data));
        el.setAttribute("data-rendered", "1");
      }).catch(function () {
        chart.hideLoading();
        el.textContent = "地图数据未能加载（服务器缺少 static/vendor/maps，请运行 make assets）";
      });
      return;
    }
    var all = json(el.getAttribute("data-source"));
    var key = el.getAttribute("data-key");
    var data = key ? all[key] : all;
    if (!data || !builders[kind]) { return; }
    chart.setOption(builders[kind](data, el));
    el.setAttribute("data-rendered", "1");
  }

  function render(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var nodes = Array.prototype.slice.call(scope.querySelectorAll("[data-chart]"));
    if (scope.matches && scope.matches("[data-chart]")) { nodes.push(scope); }
    nodes.forEach(draw);
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
  // Content swapped in by htmx (the map panel, the wall display's refresh) is drawn again.
  document.addEventListener("htmx:load", function (event) {
    if (event.detail && event.detail.elt !== document.body) { render(event.detail.elt); }
  });
  window.ZSCharts = { render: render };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document); });
  } else {
    render(document);
  }
})();

// The map's Excel download follows the indicator chosen above the map.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest('a[data-download="map"]');
  var select = document.getElementById("map-indicator");
  if (!link || !select) { return; }
  link.href = link.href.replace(/indicator=[^&]*/, "indicator=" + encodeURIComponent(select.value));
});
