/* Dashboard charts (reports/home.html). Every number comes from the json_script block
 * #dashboard-data; the tables next to each chart carry the same numbers, so the page reads
 * well without JavaScript. Chart containers stay hidden until a chart is drawn into them. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var COLORS = {
    actual: "#0d6efd",
    target: "#dc3545",
    baseline: "#6c757d",
    unitActual: "#20c997",
    unitQuota: "#fd7e14"
  };

  function seriesOption(item) {
    var series = [
      {
        name: "实际", type: "bar", data: item.actual, barMaxWidth: 36,
        itemStyle: { color: COLORS.actual }, label: { show: true, position: "insideTop", color: "#fff" }
      },
      {
        name: "目标", type: "line", data: item.target, connectNulls: false, symbolSize: 8,
        itemStyle: { color: COLORS.target }, lineStyle: { type: "dashed" }
      },
      {
        name: "方案基数", type: "scatter", data: item.baseline, symbol: "diamond", symbolSize: 14,
        itemStyle: { color: COLORS.baseline }
      }
    ];
    var yAxis = [{ type: "value", name: "全市（家）", minInterval: 1 }];
    if (item.unit) {
      yAxis.push({ type: "value", name: item.unit + "（家）", minInterval: 1, splitLine: { show: false } });
      series.push({
        name: item.unit + "实际", type: "bar", yAxisIndex: 1, data: item.unit_actual, barMaxWidth: 24,
        itemStyle: { color: COLORS.unitActual }
      });
      series.push({
        name: item.unit + "任务数", type: "line", yAxisIndex: 1, data: item.unit_quota, symbolSize: 7,
        itemStyle: { color: COLORS.unitQuota }, lineStyle: { type: "dotted" }
      });
    }
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 4, type: "scroll" },
      grid: { left: 48, right: item.unit ? 56 : 20, top: 48, bottom: 28 },
      xAxis: { type: "category", data: item.years },
      yAxis: yAxis,
      series: series
    };
  }

  function unitsOption(units) {
    var palette = ["#9ec5fe", "#0d6efd", "#a3cfbb", "#198754"];
    var series = [];
    units.indicators.forEach(function (indicator, i) {
      series.push({
        name: indicator.label + "任务数", type: "bar", data: indicator.quota, itemStyle: { color: palette[2 * i] }
      });
      series.push({
        name: indicator.label + "实际", type: "bar", data: indicator.actual, itemStyle: { color: palette[2 * i + 1] }
      });
    });
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 4, type: "scroll" },
      grid: { left: 48, right: 20, top: 48, bottom: 56 },
      xAxis: { type: "category", data: units.names, axisLabel: { interval: 0, rotate: 20 } },
      yAxis: { type: "value", name: "企业数（家）", minInterval: 1 },
      series: series
    };
  }

  function stagesOption(stages) {
    var palette = ["#adb5bd", "#ffc107", "#0dcaf0", "#198754"];
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 4, type: "scroll" },
      grid: { left: 120, right: 24, top: 40, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: stages.names, inverse: true },
      series: stages.stages.map(function (stage, i) {
        return {
          name: stage.label, type: "bar", stack: "pool", data: stage.values, itemStyle: { color: palette[i % palette.length] }
        };
      })
    };
  }

  function draw(element, option) {
    element.hidden = false;
    var chart = window.echarts.init(element, null, { locale: "ZH" });
    chart.setOption(option);
    charts.push(chart);
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var kind = element.getAttribute("data-chart");
    if (kind === "series") {
      var item = data.series[Number(element.getAttribute("data-index"))];
      if (item) {
        draw(element, seriesOption(item));
      }
    } else if (kind === "units" && data.units.names.length) {
      draw(element, unitsOption(data.units));
    } else if (kind === "stages" && data.stages.names.length) {
      draw(element, stagesOption(data.stages));
    }
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
