/* The big screen's trend chart (templates/screen/board.html). Its numbers come from the
 * json_script block #screen-data; the table under the chart carries the same numbers, so the
 * board reads without JavaScript. The page reloads itself (meta refresh); nothing is fetched here. */
(function () {
  "use strict";

  var source = document.getElementById("screen-data");
  var element = document.querySelector("[data-chart=trend]");
  if (!source || !element || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  if (!data.years.length) {
    return;
  }
  var ACTUAL = ["#4f9dff", "#36cfc9"];
  var UNIT = ["#ffd666", "#ff9c6e"];
  var TEXT = "#c7d5ea";
  var GRID = "#1f3a66";

  function fontSize() {
    return Math.max(12, Math.round(window.innerHeight / 60));
  }

  // Each actual figure is labelled above its point when it is the larger of the year's figures,
  // below it otherwise, so the labels of two close lines do not sit on each other.
  function labelled(values, i) {
    return values.map(function (value, year) {
      var others = data.series.filter(function (_, j) { return j !== i; }).map(function (item) {
        return item.actual[year];
      });
      var highest = others.every(function (other) { return other === null || value >= other; });
      return { value: value, label: { position: highest ? "top" : "bottom" } };
    });
  }

  function option() {
    var size = fontSize();
    var series = [];
    data.series.forEach(function (item, i) {
      series.push({
        name: item.label + "实际", type: "line", data: labelled(item.actual, i), symbolSize: size * 0.6,
        lineStyle: { width: 4 }, itemStyle: { color: ACTUAL[i % ACTUAL.length] },
        label: { show: true, color: TEXT, fontSize: size }
      });
      series.push({
        name: item.label + "目标", type: "line", data: item.target, symbol: "rect", symbolSize: size * 0.5,
        connectNulls: false, lineStyle: { width: 2, type: "dashed" }, itemStyle: { color: ACTUAL[i % ACTUAL.length] }
      });
      if (data.unit) {
        series.push({
          name: data.unit + item.label, type: "bar", data: item.unit_actual, yAxisIndex: 1, barMaxWidth: size * 1.5,
          itemStyle: { color: UNIT[i % UNIT.length], opacity: 0.8 }
        });
      }
    });
    var yAxis = [{
      type: "value", name: "全市（家）", minInterval: 1, nameTextStyle: { color: TEXT, fontSize: size },
      axisLabel: { color: TEXT, fontSize: size }, splitLine: { lineStyle: { color: GRID } }
    }];
    if (data.unit) {
      yAxis.push({
        type: "value", name: data.unit + "（家）", minInterval: 1, nameTextStyle: { color: TEXT, fontSize: size },
        axisLabel: { color: TEXT, fontSize: size }, splitLine: { show: false }
      });
    }
    return {
      animation: false,
      backgroundColor: "transparent",
      textStyle: { fontFamily: "system-ui, \"Noto Sans CJK SC\", \"Microsoft YaHei\", sans-serif" },
      legend: { top: 0, textStyle: { color: TEXT, fontSize: size }, itemWidth: size * 1.6, itemHeight: size * 0.8 },
      grid: { left: size * 4, right: data.unit ? size * 4.5 : size * 1.5, top: size * (data.unit ? 6 : 4), bottom: size * 2.2 },
      xAxis: {
        type: "category", data: data.years, axisLabel: { color: TEXT, fontSize: size },
        axisLine: { lineStyle: { color: GRID } }
      },
      yAxis: yAxis,
      series: series
    };
  }

  element.hidden = false;
  var chart = window.echarts.init(element, null, { locale: "ZH" });
  chart.setOption(option());
  window.addEventListener("resize", function () {
    chart.setOption(option());
    chart.resize();
  });
})();
