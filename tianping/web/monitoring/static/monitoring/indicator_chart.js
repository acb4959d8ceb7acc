// Builds the indicator chart from the JSON the page embeds with json_script.
(function () {
  "use strict";
  function build(el) {
    var d = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var colors = {"": "#1f4e79", "女": "#c2185b", "男": "#2e7d32"};
    var series = d.series.map(function (s) {
      return {name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 9,
              lineStyle: {width: 3, color: colors[s.sex]}, itemStyle: {color: colors[s.sex]}};
    });
    var targetLines = d.targets.map(function (t) {
      return {name: t.name, yAxis: t.value, label: {formatter: "{b}：{c}", position: "insideEndTop", fontSize: 14}};
    });
    var holder = series.length ? series[0] : {name: d.labels.projection, type: "line", data: []};
    if (!series.length) series.push(holder);
    holder.markLine = {symbol: "none", silent: true, lineStyle: {type: "dashed", width: 2, color: "#b23c17"},
                       data: targetLines};
    series.push({name: d.labels.low, type: "line", data: d.low, stack: "band", symbol: "none",
                 lineStyle: {opacity: 0}, tooltip: {show: false}});
    series.push({name: d.labels.band, type: "line", data: d.band, stack: "band", symbol: "none",
                 lineStyle: {opacity: 0}, itemStyle: {color: "rgba(120,144,156,0.6)"},
                 areaStyle: {color: "rgba(120,144,156,0.3)"}});
    series.push({name: d.labels.projection, type: "line", data: d.projection, symbol: "none",
                 lineStyle: {type: "dotted", width: 2, color: "#546e7a"}, itemStyle: {color: "#546e7a"}});
    // the axis comes from the server (tianping.core.axes, the reports' rule too)
    var axis = d.axis || [null, null];
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption({
      animation: false,
      textStyle: {fontSize: 15},
      tooltip: {trigger: "axis"},
      legend: {top: 0, textStyle: {fontSize: 15}, data: series.map(function (s) { return s.name; })
               .filter(function (n) { return n !== d.labels.low; })},
      grid: {left: 70, right: 40, top: 50, bottom: 40},
      xAxis: {type: "category", data: d.years, axisLabel: {fontSize: 14}},
      yAxis: {type: "value", name: d.unit, min: axis[0], max: axis[1], axisLabel: {fontSize: 14}},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-chart=indicator]").forEach(build);
})();
