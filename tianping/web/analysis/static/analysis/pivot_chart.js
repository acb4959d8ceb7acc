// The visualizer's chart (and the dashboard's pinned ones): every element .pivot-chart reads
// its data from the json_script named in data-source (x: column headers; series: one per
// pivot row with values and their labels from core.figures). Text never enters HTML here:
// ECharts draws it. #export-png saves the chart as PNG through getDataURL.
(function () {
  "use strict";
  if (!window.echarts) return;
  var charts = {};
  document.querySelectorAll(".pivot-chart[data-source]").forEach(function (el) {
    var src = document.getElementById(el.getAttribute("data-source"));
    if (!src) return;
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el, null, {renderer: "canvas"});
    var kind = d.type === "bar" ? "bar" : "line";
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      title: d.title ? {text: d.title, left: "center", textStyle: {fontSize: 14}} : undefined,
      tooltip: {trigger: "axis", formatter: function (items) {
        var lines = [];
        items.forEach(function (p) {
          var s = d.series[p.seriesIndex];
          var label = s && s.labels ? s.labels[p.dataIndex] : p.value;
          lines.push(p.marker + echarts.format.encodeHTML(p.seriesName) + "：" + echarts.format.encodeHTML(String(label)));
        });
        return items.length ? echarts.format.encodeHTML(items[0].axisValueLabel) + "<br>" + lines.join("<br>") : "";
      }},
      legend: {type: "scroll", bottom: 0},
      grid: {left: 8, right: 24, top: d.title ? 40 : 16, bottom: 48, containLabel: true},
      xAxis: {type: "category", data: d.x},
      // limits from core.axes (shares, rates and counts from zero); ECharts' own with mixed units
      yAxis: d.y ? {type: "value", name: d.unit || "", min: d.y.min, max: d.y.max}
                 : {type: "value", name: d.unit || "", scale: kind === "line"},
      series: d.series.map(function (s) {
        return {name: s.name, type: kind, data: s.data, connectNulls: true, barMaxWidth: 28};
      })
    });
    charts[el.id] = chart;
    window.addEventListener("resize", function () { chart.resize(); });
  });
  window.tianpingCharts = charts;
  var button = document.getElementById("export-png");
  if (button) {
    button.addEventListener("click", function () {
      var chart = charts[button.getAttribute("data-chart")];
      if (!chart) return;
      var a = document.createElement("a");
      a.href = chart.getDataURL({type: "png", pixelRatio: 2, backgroundColor: "#ffffff"});
      a.download = (button.getAttribute("data-name") || "chart") + ".png";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }
  var filter = document.getElementById("indicator-filter");
  var select = document.getElementById("indicator-select");
  if (filter && select) {
    filter.addEventListener("input", function () {
      var q = filter.value.trim();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = q !== "" && o.textContent.indexOf(q) < 0 && !o.selected;
      });
    });
  }
})();
