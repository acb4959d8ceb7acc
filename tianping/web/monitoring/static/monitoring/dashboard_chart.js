// 达标率 by area: a horizontal bar per area, the percentage and attained/assessable as labels.
(function () {
  "use strict";
  var el = document.getElementById("area-chart");
  if (!el || !window.echarts) return;
  var d = JSON.parse(document.getElementById("area-chart-data").textContent);
  var chart = echarts.init(el, null, {renderer: "svg"});
  chart.setOption({
    animation: false,
    grid: {left: 8, right: 90, top: 8, bottom: 24, containLabel: true},
    xAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", data: d.areas, inverse: true, axisLabel: {fontSize: 13}},
    series: [{type: "bar", data: d.rates, barMaxWidth: 22, itemStyle: {color: "#2e7d32"},
              label: {show: true, position: "right", formatter: function (p) {
                return d.labels[p.dataIndex]; }}}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
