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
    // Axis range that shows every value, target and the band (mark lines do not widen an axis).
    var all = [];
    d.series.forEach(function (s) { all = all.concat(s.data); });
    d.targets.forEach(function (t) { all.push(t.value); });
    d.low.forEach(function (v, i) { if (v !== null) { all.push(v); all.push(v + d.band[i]); } });
    all = all.filter(function (v) { return v !== null && isFinite(v); });
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all), pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    var step = Math.pow(10, Math.floor(Math.log10(Math.max(hi - lo, 1e-9) + 2 * pad)) - 1);  // round to a tenth of the range's magnitude
    var axisMin = Math.floor((lo - pad) / step) * step, axisMax = Math.ceil((hi + pad) / step) * step;
    if (lo >= 0 && axisMin < 0) axisMin = 0;
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption({
      animation: false,
      textStyle: {fontSize: 15},
      tooltip: {trigger: "axis"},
      legend: {top: 0, textStyle: {fontSize: 15}, data: series.map(function (s) { return s.name; })
               .filter(function (n) { return n !== d.labels.low; })},
      grid: {left: 70, right: 40, top: 50, bottom: 40},
      xAxis: {type: "category", data: d.years, axisLabel: {fontSize: 14}},
      yAxis: {type: "value", name: d.unit, min: all.length ? +axisMin.toPrecision(6) : null,
              max: all.length ? +axisMax.toPrecision(6) : null, axisLabel: {fontSize: 14}},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-chart=indicator]").forEach(build);
})();
