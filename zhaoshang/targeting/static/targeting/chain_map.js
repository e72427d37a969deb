// The chain map (/chains/<direction>/): the graph of chain nodes, its gaps and a node's panel
// on click (data: json_script "chain-chart-data"; the page's own URL: data-map-url).
(function () {
  var el = document.getElementById("chain-chart");
  if (!el || !window.echarts) { return; }
  var source = document.getElementById("chain-chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var mapUrl = el.dataset.mapUrl;
  var chart = echarts.init(el);
  var fmt = function (v) { return Number(v).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2}) + " 万元"; };
  var gapRich = {};
  data.nodes.forEach(function (n) {
    gapRich["g_" + n.gap] = {color: "#fff", backgroundColor: n.gapColor, padding: [1, 4], borderRadius: 3, fontSize: 11};
  });
  gapRich.g_extend = Object.assign({}, gapRich.g_extend || {}, {color: "#000"});
  gapRich.g_strengthen = Object.assign({}, gapRich.g_strengthen || {}, {color: "#000"});
  // Pixel coordinates matching the plot area, so that ECharts scales x and y alike. The legend
  // is a single line above the graph (scrolling sideways when it does not fit a phone), and the
  // graph starts below it: the legend never covers a node or its label. Labels sit under their
  // node and wrap within their column (the full name is also in the tooltip), so the outer
  // columns' names are not cut at the canvas edge on a phone.
  var LEGEND_HEIGHT = 28;
  var MARGIN = {x: 0.12, top: LEGEND_HEIGHT + 22, bottom: 56};
  function setMargin() { MARGIN.x = el.clientWidth < 576 ? 0.18 : 0.12; }
  setMargin();
  function labelWidth() {
    return Math.max(56, Math.floor(2 * MARGIN.x * el.clientWidth) - 6);
  }
  function place() {
    var w = el.clientWidth * (1 - 2 * MARGIN.x), h = el.clientHeight - MARGIN.top - MARGIN.bottom;
    var step = data.rows > 1 ? h / (data.rows - 1) : 0;
    data.nodes.forEach(function (n) { n.x = n.col * w / 2; n.y = n.row * step; });
    return data.nodes;
  }
  place();
  chart.setOption({
    aria: {enabled: true},
    animation: false,
    tooltip: {
      formatter: function (p) {
        if (p.dataType !== "node") { return ""; }
        var d = p.data;
        return "<b>" + echarts.format.encodeHTML(d.name) + "</b>（" + d.gapLabel + "）<br>" +
          "本地企业 " + d.local + " 家，产值 " + fmt(d.output) + "<br>在谈在建项目 " + d.projects + " 个<br>" +
          "<span style='white-space: normal; display: inline-block; max-width: 260px'>" + echarts.format.encodeHTML(d.reason) + "</span>";
      }
    },
    legend: [{
      data: data.categories.map(function (c) { return {name: c.name, icon: c.symbol === "circle" ? "circle" : c.symbol, itemStyle: c.itemStyle}; }),
      type: "scroll", top: 0, left: "center", height: LEGEND_HEIGHT, itemGap: 12,
      textStyle: {fontSize: 12}, selectedMode: "multiple"
    }],
    series: [{
      type: "graph",
      layout: "none",
      left: (MARGIN.x * 100) + "%", right: (MARGIN.x * 100) + "%", top: MARGIN.top, bottom: MARGIN.bottom,
      preserveAspect: "contain",
      roam: true,
      data: data.nodes,
      links: data.links,
      categories: data.categories,
      edgeSymbol: ["none", "arrow"],
      edgeSymbolSize: 7,
      lineStyle: {color: "#adb5bd", width: 1.2, curveness: 0.12, opacity: 0.8},
      label: {
        show: true, position: "bottom", distance: 4, fontSize: 12, color: "#212529",
        width: labelWidth(), overflow: "breakAll", lineHeight: 15, align: "center",
        formatter: function (p) { return p.data.name + "\n{g_" + p.data.gap + "|" + p.data.gapLabel + "}"; },
        rich: gapRich
      },
      emphasis: {focus: "adjacency", lineStyle: {width: 2.5, color: "#0d6efd"}},
      cursor: "pointer"
    }]
  });
  chart.on("click", function (p) {
    if (p.dataType !== "node" || !window.htmx) { return; }
    htmx.ajax("GET", p.data.url, {target: "#node-panel", swap: "innerHTML"}).then(function () {
      history.replaceState(null, "", mapUrl + "?node=" + p.data.id);
      var panel = document.getElementById("node-panel");
      if (panel && window.innerWidth < 1200) { panel.scrollIntoView({behavior: "smooth"}); }
    });
  });
  // Laid out again whenever the chart's box changes (a window resize, or the page settling
  // after the first drawing: a phone's scroll bar, the fonts).
  var width = el.clientWidth;
  function relayout() {
    if (el.clientWidth === width && chart.getWidth() === width) { return; }
    width = el.clientWidth;
    setMargin();
    chart.resize();
    chart.setOption({series: [{
      data: place(), label: {width: labelWidth()},
      left: (MARGIN.x * 100) + "%", right: (MARGIN.x * 100) + "%"
    }]});
  }
  if (window.ResizeObserver) { new ResizeObserver(relayout).observe(el); }
  window.addEventListener("resize", relayout);
  window.zhaoshangChainChart = chart;
})();
