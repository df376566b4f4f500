/* Renders every element with a data-chart attribute from the JSON block #xc-charts ([{name, spec}]).
 * CSP forbids eval, so Vega runs with the AST interpreter. Sets body[data-charts] = "rendered/total" when done. */
(function () {
  'use strict';
  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var charts = readJson('xc-charts') || [];
  var locale = readJson('xc-locale') || {};
  var byName = Object.create(null);
  charts.forEach(function (c) { byName[c.name] = c.spec; });
  var targets = Array.prototype.slice.call(document.querySelectorAll('[data-chart]'));
  var rendered = 0;
  var jobs = targets.map(function (el) {
    var spec = byName[el.getAttribute('data-chart')];
    if (!spec) return Promise.resolve();
    var opts = { actions: false, renderer: 'svg', ast: true, expr: vega.expressionInterpreter };
    if (locale.number) opts.formatLocale = locale.number;
    if (locale.time) opts.timeFormatLocale = locale.time;
    return vegaEmbed(el, spec, opts).then(function () {
      rendered++;
    }).catch(function (e) {
      el.classList.add('chart-error');
      el.textContent = '图表无法显示：' + (e && e.message ? e.message : String(e));
    });
  });
  window.xcChartsDone = Promise.all(jobs).then(function () {
    document.body.setAttribute('data-charts', rendered + '/' + targets.length);
  });
})();
