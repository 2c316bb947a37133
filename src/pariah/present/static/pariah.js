/* pariah dashboard scripts.
 *
 * Each page names the JSON it needs in data-* attributes; this file fetches it from the same
 * server and draws the map and the charts. There is no inline script (the Content-Security-Policy
 * forbids it) and nothing is loaded from another origin. Texts from the ledger are set with
 * textContent, or escaped before Plotly (which reads a few HTML-like tags) sees them.
 */
(function () {
  'use strict';

  var CONFIG = {responsive: true, displaylogo: false, modeBarButtonsToRemove: ['lasso2d', 'select2d'],
                toImageButtonOptions: {format: 'png', scale: 2}};
  var PALETTE = ['#08519c', '#b2182b', '#238b45', '#6a51a3', '#d94801', '#525252', '#0570b0', '#ae017e'];
  var currentDate = null;

  function getJSON(url) {
    return fetch(url, {headers: {Accept: 'application/json'}, credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
      return r.json();
    });
  }

  function getText(url) {
    return fetch(url, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw new Error(url + ': HTTP ' + r.status); }
      return r.text();
    });
  }

  // Plotly turns <br>, <b>, <a href> ... in texts into markup: escape ledger texts first.
  function plotText(s) {
    return String(s === null || s === undefined ? '' : s)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  function fail(el, err) {
    el.textContent = 'Could not load this part of the page (' + err.message + ').';
  }

  function pluck(rows, key) { return rows.map(function (r) { return r[key]; }); }

  function layout(extra) {
    var base = {
      margin: {l: 56, r: 24, t: 36, b: 40}, font: {family: 'system-ui, sans-serif', size: 13},
      legend: {orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom'}, hovermode: 'x unified',
      paper_bgcolor: '#fff', plot_bgcolor: '#fff', xaxis: {gridcolor: '#eee'}, yaxis: {gridcolor: '#eee', zeroline: false}
    };
    Object.keys(extra || {}).forEach(function (k) { base[k] = extra[k]; });
    // room for tick labels and titles, whatever the screen
    Object.keys(base).forEach(function (k) { if (/^[xy]axis\d*$/.test(k)) { base[k].automargin = true; } });
    return base;
  }

  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16 & 255) + ',' + (n >> 8 & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  // A dotted line at the map's date on every time chart.
  function dateLine(el) {
    function draw(date) {
      if (!date || !el.data) { return; }
      window.Plotly.relayout(el, {shapes: [{type: 'line', x0: date, x1: date, yref: 'paper', y0: 0, y1: 1,
                                           line: {color: '#f0a202', width: 2, dash: 'dot'}}]});
    }
    document.addEventListener('pariah:date', function (e) { draw(e.detail); });
    draw(currentDate);
  }

  // ---- the map --------------------------------------------------------------------------

  function setTitle(g, text) {
    var title = g.querySelector('title');
    if (!title) {
      title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      g.insertBefore(title, g.firstChild);
    }
    title.textContent = text;
  }

  function initMap(el) {
    var slider = document.getElementById('map-date');
    var label = document.getElementById('map-date-label');
    var legend = document.getElementById('map-legend');
    Promise.all([getJSON(el.getAttribute('data-map-src')), getText(el.getAttribute('data-svg-src'))]).then(function (res) {
      var data = res[0];
      var parsed = new DOMParser().parseFromString(res[1], 'image/svg+xml');
      var svg = document.importNode(parsed.documentElement, true);
      el.textContent = '';
      el.appendChild(svg);
      var groups = {};
      Array.prototype.forEach.call(svg.querySelectorAll('g[data-state]'), function (g) {
        groups[g.getAttribute('data-state')] = g;
      });
      var counted = {};
      data.states.forEach(function (s) { counted[s] = true; if (groups[s]) { groups[s].classList.add('counted'); } });
      Object.keys(groups).forEach(function (code) { if (!counted[code]) { setTitle(groups[code], code + ': not counted'); } });
      var target = groups[data.target];
      if (target) {
        target.style.fill = data.target_colour;
        setTitle(target, data.target_name + ': the target');
      }

      function show(i) {
        var levels = data.levels[i];
        var hostile = data.hostile[i];
        var counts = [0, 0, 0, 0, 0, 0];
        for (var j = 0; j < data.states.length; j++) {
          var level = levels[j];
          counts[level] += 1;
          var g = groups[data.states[j]];
          if (!g) { continue; }
          var flag = hostile[j] === 1 && level > 0;
          g.style.fill = data.colours[level];
          g.setAttribute('data-level', String(level));
          g.classList.toggle('hostile-flag', flag);
          setTitle(g, data.names[j] + ': ' + data.level_names[level] + (flag ? ' (hostile flag)' : ''));
        }
        label.textContent = data.dates[i];
        if (legend) {
          Array.prototype.forEach.call(legend.querySelectorAll('[data-count]'), function (b) {
            b.textContent = String(counts[Number(b.getAttribute('data-count'))]);
          });
        }
        currentDate = data.dates[i];
        document.dispatchEvent(new CustomEvent('pariah:date', {detail: currentDate}));
      }

      var last = data.dates.length - 1;
      slider.max = String(last);
      slider.value = String(last);
      slider.disabled = false;
      slider.addEventListener('input', function () { show(Number(slider.value)); });
      show(last);
      el.setAttribute('data-ready', '1');

      svg.addEventListener('click', function (ev) {
        var g = ev.target.closest ? ev.target.closest('g[data-state]') : null;
        if (g && counted[g.getAttribute('data-state')]) {
          window.location.href = el.getAttribute('data-state-href') + encodeURIComponent(g.getAttribute('data-state'));
        }
      });
    }).catch(function (err) { fail(el, err); });
  }

  // ---- charts -------------------------------------------------------------------------------

  function bandTraces(x, low, high, colour, name) {
    return [
      {x: x, y: low, type: 'scatter', mode: 'lines', line: {width: 0}, hoverinfo: 'skip', showlegend: false, name: name + ' low'},
      {x: x, y: high, type: 'scatter', mode: 'lines', line: {width: 0}, fill: 'tonexty', fillcolor: rgba(colour, 0.22),
       hoverinfo: 'skip', name: name + ' band'}
    ];
  }

  function initIndex(el) {
    getJSON(el.getAttribute('data-index-src')).then(function (rows) {
      el.textContent = '';
      var x = pluck(rows, 'date');
      var traces = bandTraces(x, pluck(rows, 'low'), pluck(rows, 'high'), '#4292c6', 'sensitivity');
      traces[1].name = 'sensitivity band';
      traces.push({x: x, y: pluck(rows, 'index'), type: 'scatter', mode: 'lines', name: 'isolation index (equal weights)',
                   line: {color: '#08519c', width: 2.5}, hovertemplate: '%{y:.3f}<extra>index</extra>'});
      window.Plotly.newPlot(el, traces, layout({yaxis: {range: [0, 1.02], title: {text: 'isolation index'}, gridcolor: '#eee'}}), CONFIG);
      el.setAttribute('data-ready', '1');
      dateLine(el);
    }).catch(function (err) { fail(el, err); });
  }

  function initCohesion(el) {
    Promise.all([getJSON(el.getAttribute('data-cohesion-src')), getJSON(el.getAttribute('data-defections-src'))]).then(function (res) {
      function tier(list, name) { return list.filter(function (r) { return !r.tier || r.tier === name; }); }
      var rows = tier(res[0], 'core'), consensus = tier(res[0], 'consensus'), defections = tier(res[1], 'core');
      el.textContent = '';
      var x = pluck(rows, 'date');
      var cohesion = pluck(rows, 'cohesion');
      function at(date) {
        var value = cohesion.length ? cohesion[0] : 1;
        for (var i = 0; i < x.length && x[i] <= date; i++) { value = cohesion[i]; }
        return value;
      }
      var traces = [
        {x: x, y: cohesion, type: 'scatter', mode: 'lines', name: 'core coalition', line: {color: '#a50f15', width: 2.5},
         hovertemplate: '%{y:.0%}<extra>core</extra>'},
        {x: pluck(consensus, 'date'), y: pluck(consensus, 'cohesion'), type: 'scatter', mode: 'lines', name: 'consensus',
         line: {color: '#a50f15', width: 1.5, dash: 'dash'}, hovertemplate: '%{y:.0%}<extra>consensus</extra>'},
        {x: x, y: pluck(rows, 'black_knights'), type: 'scatter', mode: 'lines', name: 'black knights (right axis)',
         yaxis: 'y2', line: {color: '#555', width: 1.5, shape: 'hv'}, hovertemplate: '%{y}<extra>black knights</extra>'},
        {x: pluck(defections, 'date'), y: defections.map(function (d) { return at(d.date); }), type: 'scatter',
         mode: 'markers', name: 'defection from the core', marker: {color: '#a50f15', size: 9, symbol: 'x'},
         text: defections.map(function (d) { return plotText(d.name + ': ' + d.act + ' (' + d.level_name + ')'); }),
         hovertemplate: '%{text}<extra>defection</extra>'}
      ];
      window.Plotly.newPlot(el, traces, layout({
        yaxis: {range: [0, 1.02], title: {text: 'members holding'}, tickformat: '.0%', gridcolor: '#eee'},
        yaxis2: {overlaying: 'y', side: 'right', rangemode: 'tozero', title: {text: 'black knights'}, showgrid: false,
                 tickformat: 'd', dtick: Math.max(1, Math.ceil(Math.max.apply(null, pluck(rows, 'black_knights').concat([1])) / 5))}
      }), CONFIG);
      el.setAttribute('data-ready', '1');
      dateLine(el);
    }).catch(function (err) { fail(el, err); });
  }

  function initState(el) {
    getJSON(el.getAttribute('data-state-src')).then(function (detail) {
      el.textContent = '';
      var runs = detail.history;
      var x = pluck(runs, 'from');
      var y = pluck(runs, 'level');
      if (runs.length) { x.push(runs[runs.length - 1].to); y.push(runs[runs.length - 1].level); }
      var names = ['hostile', 'none', 'engaged', 'missions', 'ambassadors', 'recognized'];
      window.Plotly.newPlot(el, [{x: x, y: y, type: 'scatter', mode: 'lines+markers', line: {shape: 'hv', color: '#08519c', width: 2.5},
        name: plotText(detail.name), hovertemplate: '%{x}<extra></extra>'}],
        layout({showlegend: false, hovermode: 'closest',
                yaxis: {range: [-0.3, 5.3], tickvals: [0, 1, 2, 3, 4, 5], ticktext: names, gridcolor: '#eee'}}), CONFIG);
      el.setAttribute('data-ready', '1');
    }).catch(function (err) { fail(el, err); });
  }

  function initCompare(el) {
    var byStart = el.getAttribute('data-align') !== 'calendar';
    getJSON(el.getAttribute('data-compare-src')).then(function (rows) {
      el.textContent = '';
      var cases = [];
      rows.forEach(function (r) { if (cases.indexOf(r.case) < 0) { cases.push(r.case); } });
      var traces = [];
      cases.forEach(function (c, i) {
        var mine = rows.filter(function (r) { return r.case === c; });
        mine.sort(function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : 0; });
        var x = byStart ? pluck(mine, 'month') : pluck(mine, 'date');
        var colour = PALETTE[i % PALETTE.length];
        var measure = mine.length && mine[0].measure ? mine[0].measure : 'index';
        if (measure === 'index') {
          traces = traces.concat(bandTraces(x, pluck(mine, 'low'), pluck(mine, 'high'), colour, plotText(c)));
          traces[traces.length - 1].showlegend = false;
        }
        var label = plotText(c) + (mine.length && mine[0].kind ? ' (' + mine[0].kind + ')' : '');
        traces.push({x: x, y: pluck(mine, measure === 'index' ? 'index' : 'value'), type: 'scatter', mode: 'lines', name: label,
                     line: {color: colour, width: 2.2}, hovertemplate: '%{y:.3f}<extra>' + label + '</extra>'});
      });
      var measureOf = rows.length && rows[0].measure ? rows[0].measure : 'index';
      var titles = {change: 'change of the index since the start', realised: 'share of the possible movement realised', index: 'isolation index'};
      window.Plotly.newPlot(el, traces, layout({
        xaxis: {title: {text: byStart ? 'months since the case start' : 'date'}, gridcolor: '#eee'},
        yaxis: measureOf === 'index' ? {range: [0, 1.02], title: {text: titles.index}, gridcolor: '#eee'}
                                     : {title: {text: titles[measureOf]}, gridcolor: '#eee', zeroline: true}
      }), CONFIG);
      el.setAttribute('data-ready', '1');
    }).catch(function (err) { fail(el, err); });
  }

  // ---- tables ---------------------------------------------------------------------------------

  function initFilter(input) {
    var table = document.getElementById(input.getAttribute('data-filter'));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      rows.forEach(function (r, i) { r.hidden = q !== '' && texts[i].indexOf(q) < 0; });
    });
  }

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  function start() {
    each('[data-filter]', initFilter);
    each('[data-map-src]', initMap);
    if (!window.Plotly) {
      each('.chart', function (el) { el.textContent = 'The chart library did not load.'; });
      return;
    }
    each('[data-index-src]', initIndex);
    each('[data-cohesion-src]', initCohesion);
    each('[data-state-src]', initState);
    each('[data-compare-src]', initCompare);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
