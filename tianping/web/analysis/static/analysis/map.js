// The map of a city's districts: the stored GeoJSON (features named by region code) is
// registered with ECharts and coloured by status (traffic lights) or by value (a
// continuous scale). Labels and tooltips are the district names and the figures the page
// computed with core.figures; ECharts draws text, nothing is put into HTML unescaped.
(function () {
  "use strict";
  var el = document.getElementById("district-map");
  if (!el || !window.echarts) return;
  var d = JSON.parse(document.getElementById("map-data").textContent);
  echarts.registerMap(d.mapName, d.map);
  var byCode = {};
  d.items.forEach(function (it) { byCode[it.name] = it; });
  var values = d.items.map(function (it) { return it.value; }).filter(function (v) { return v !== null; });
  var data = d.items.map(function (it) {
    var item = {name: it.name, value: it.value === null ? "-" : it.value};
    if (d.mode === "status") item.itemStyle = {areaColor: it.colour};
    return item;
  });
  var option = {
    animation: false,
    backgroundColor: "#ffffff",
    title: {text: d.title, subtext: d.subtitle || "", left: "center", textStyle: {fontSize: 14},
            subtextStyle: {color: "#bf360c", fontWeight: "bold"}},
    tooltip: {trigger: "item", formatter: function (p) {
      var it = byCode[p.name];
      if (!it) return "";
      var enc = echarts.format.encodeHTML;
      return enc(it.district) + "<br>" + enc(it.label) + (it.year ? "（" + it.year + "年）" : "") + "<br>" + enc(it.status);
    }},
    series: [{type: "map", map: d.mapName, roam: true, selectedMode: false, data: data,
              label: {show: true, color: "#1b1b1b", fontSize: 13, formatter: function (p) {
                var it = byCode[p.name];
                return it ? it.district + "\n" + it.label : "";
              }},
              itemStyle: {borderColor: "#ffffff", borderWidth: 1, areaColor: "#e0e0e0"},
              emphasis: {label: {show: true}, itemStyle: {areaColor: "#90caf9"}}}]
  };
  if (d.mode === "value" && values.length) {
    option.visualMap = {type: "continuous", min: Math.min.apply(null, values), max: Math.max.apply(null, values),
                        left: 8, bottom: 8, calculable: false, text: ["高", "低"],
                        inRange: {color: ["#e3f2fd", "#1565c0"]}};
  }
  var chart = echarts.init(el, null, {renderer: "canvas"});
  chart.setOption(option);
  window.tianpingMap = chart;
  window.addEventListener("resize", function () { chart.resize(); });
})();
