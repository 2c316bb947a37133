/* pariah dashboard scripts.
 *
 * Each page names the JSON it needs in data-* attributes; this file fetches it from the same
 * server and draws the map and the charts. There is no inline script (the Content-Security-Policy
 * forbids it) and nothing is loaded from another origin. Texts from the ledger are set with
 * textContent, or escaped before Plotly (which reads a few HTML-like tags) sees them.
 */
(function () {
  'use strict';

  var NARROW = window.matchMedia('(max-width: 640px)');
  // On a phone the chart toolbar would sit on the legend and the lines: it is off there.
  var CONFIG = {responsive: true, displaylogo: false, displayModeBar: NARROW.matches ? false : 'hover',
                modeBarButtonsToRemove: ['lasso2d', 'select2d'], toImageButtonOptions: {format: 'png', scale: 2}};
  var PALETTE = ['#08519c', '#b2182b', '#238b45', '#6a51a3', '#d94801', '#525252', '#0570b0', '#ae017e'];
  var currentDate = null;

  // ---- the view in the URL ---------------------------------------------------------------
  // Every view's state lives in the page's URL: the query holds the page's date (as_of), known_on,
  // weights and the timeline's filters; the fragment holds the section. Scripts change it with
  // history.replaceState, so that a copied link reproduces the view.

  function setParam(name, value) {
    var url = new URL(window.location.href);
    if (value === null || value === undefined || value === '') { url.searchParams.delete(name); } else { url.searchParams.set(name, value); }
    if (name !== 'page') { url.searchParams.delete('page'); }
    replaceURL(url);
  }

  function replaceURL(url) {
    var before = window.location.href.split('#')[0];
    window.history.replaceState(null, '', url.toString());
    var after = window.location.href.split('#')[0];
    // the citation names the view's URL
    each('[data-cite-url]', function (el) {
      var old = el.getAttribute('data-cite-url');
      if (old && old !== after) {
        el.textContent = el.textContent.split(old).join(after);
        el.setAttribute('data-cite-url', after);
      }
    });
    var bib = document.getElementById('cite-bibtex');
    if (bib && before !== after) { bib.textContent = bib.textContent.split(before).join(after); }
  }

  // The parts of the page that follow its date, fetched again (server-rendered) once the date rests.
  var refreshTimer = null;
  var refreshing = 0;
  function refreshDated(delay) {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(function () {
      var ticket = ++refreshing;
      var url = window.location.pathname + window.location.search;
      document.body.setAttribute('data-refreshing', '1');
      getText(url).then(function (html) {
        if (ticket !== refreshing) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        each('[data-dated][id]', function (el) {
          var next = fresh.getElementById(el.id);
          if (next) { el.replaceWith(document.importNode(next, true)); }
        });
        var input = document.querySelector('#view-form input[name=as_of]');
        var value = new URL(window.location.href).searchParams.get('as_of') || '';
        if (input) { input.value = value; }
        replaceURL(new URL(window.location.href));
        document.body.setAttribute('data-refreshing', '0');
      }).catch(function () { document.body.setAttribute('data-refreshing', '0'); });
    }, delay);
  }

  function initCopyLink(button) {
    var status = document.getElementById('copy-status');
    function done(ok) {
      if (status) { status.textContent = ok ? 'Link copied.' : 'Copy the address bar: it holds this view.'; }
    }
    button.addEventListener('click', function () {
      var link = window.location.href;
      button.setAttribute('data-link', link);
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(function () { done(true); }, function () { done(fallbackCopy(link)); });
      } else {
        done(fallbackCopy(link));
      }
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  // The section in view becomes the URL's fragment.
  function initSections() {
    if (!('IntersectionObserver' in window)) { return; }
    var sections = Array.prototype.slice.call(document.querySelectorAll('main section[id], main h2[id]'));
    if (!sections.length) { return; }
    var seen = false;
    var observer = new IntersectionObserver(function (entries) {
      if (!seen) { seen = true; return; }  // the first report is the page opening, not the reader moving
      entries.forEach(function (e) {
        if (e.isIntersecting && e.target.id) {
          var url = new URL(window.location.href);
          if (url.hash !== '#' + e.target.id) { url.hash = e.target.id; replaceURL(url); }
        }
      });
    }, {rootMargin: '0px 0px -70% 0px'});
    sections.forEach(function (s) { observer.observe(s); });
  }

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
    // the legend sits below the plot, where neither the toolbar nor the lines are
    var base = {
      margin: {l: 56, r: 24, t: 16, b: 40}, font: {family: 'system-ui, sans-serif', size: 13},
      legend: {orientation: 'h', x: 0, xanchor: 'left', y: -0.12, yanchor: 'top'}, hovermode: 'x unified',
      paper_bgcolor: '#fff', plot_bgcolor: '#fff', xaxis: {gridcolor: '#eee'}, yaxis: {gridcolor: '#eee', zeroline: false}
    };
    Object.keys(extra || {}).forEach(function (k) { base[k] = extra[k]; });
    // below the x axis's title too, when it has one
    if (base.xaxis.title) { base.xaxis.title.standoff = 6; base.legend.y = -0.35; }
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

  // The run of a state's ladder history in force on a date, and the last act applied by then.
  function runAt(runs, date) {
    var at = -1;
    for (var i = 0; i < runs.length && runs[i][0] <= date; i++) { at = i; }
    return at;
  }

  function describe(data, j, i) {
    var date = data.dates[i];
    var level = data.levels[i][j];
    var flag = data.hostile[i][j] === 1 && level > 0;
    var lines = [data.names[j] + ' (' + data.states[j] + ')',
                 'Level on ' + date + ': ' + data.level_names[level] + (flag ? ', with a hostile flag' : '')];
    var runs = (data.runs || [])[j] || [];
    var r = runAt(runs, date);
    if (r >= 0) {
      var since = r;
      while (since > 0 && runs[since - 1][1] === runs[r][1]) { since--; }
      lines.push('Since ' + runs[since][0]);
    }
    var acts = (data.acts || [])[j] || [];
    var last = null;
    for (var k = 0; k < acts.length && acts[k][0].slice(0, 10) <= date; k++) { last = acts[k]; }
    lines.push(last ? 'Last act: ' + last[1] + ', ' + last[0] : 'No act yet');
    return lines;
  }

  function initMap(el) {
    var slider = document.getElementById('map-date');
    var label = document.getElementById('map-date-label');
    var play = document.getElementById('map-play');
    var tip = document.getElementById('map-tip');
    var today = el.getAttribute('data-today');
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
      var index = {};
      data.states.forEach(function (s, j) { counted[s] = true; index[s] = j; if (groups[s]) { groups[s].classList.add('counted'); } });
      Object.keys(groups).forEach(function (code) { if (!counted[code]) { setTitle(groups[code], code + ': not counted'); } });
      var target = groups[data.target];
      if (target) {
        target.style.fill = data.target_colour;
        setTitle(target, data.target_name + ': the target');
      }
      var shown = 0;

      function show(i) {
        shown = i;
        var levels = data.levels[i];
        var hostile = data.hostile[i];
        var counts = [0, 0, 0, 0, 0, 0];
        var flags = 0;
        for (var j = 0; j < data.states.length; j++) {
          var level = levels[j];
          counts[level] += 1;
          var flag = hostile[j] === 1 && level > 0;
          if (flag) { flags += 1; }
          var g = groups[data.states[j]];
          if (!g) { continue; }
          // a hostile flag beside the level: the level's colour, striped (patterns of /geo/world.svg)
          g.style.fill = flag ? 'url(#hostile-' + level + ')' : data.colours[level];
          g.setAttribute('data-level', String(level));
          g.classList.toggle('hostile-flag', flag);
          setTitle(g, describe(data, j, i).join('\n'));
        }
        label.textContent = data.dates[i];
        each('#map-legend [data-count]', function (b) {
          var key = b.getAttribute('data-count');
          b.textContent = String(key === 'hostile' ? flags : counts[Number(key)]);
        });
        currentDate = data.dates[i];
        document.dispatchEvent(new CustomEvent('pariah:date', {detail: currentDate}));
        if (!tip.hidden && tip.getAttribute('data-state')) { tipFor(tip.getAttribute('data-state'), null); }
      }

      function moved() {
        var date = data.dates[Number(slider.value)];
        setParam('as_of', date === today ? null : date);
        refreshDated(playing ? 1500 : 350);
      }

      var last = data.dates.length - 1;
      var startAt = data.dates.indexOf(el.getAttribute('data-as-of'));
      slider.max = String(last);
      slider.value = String(startAt >= 0 ? startAt : last);
      slider.disabled = false;
      slider.addEventListener('input', function () { show(Number(slider.value)); moved(); });
      show(Number(slider.value));
      el.setAttribute('data-ready', '1');

      // Play: one month a step, from where the slider is (from the start when it is at the end).
      var playing = null;
      function stop() {
        if (playing) { window.clearInterval(playing); playing = null; }
        play.textContent = 'Play';
        play.setAttribute('aria-pressed', 'false');
        refreshDated(50);
      }
      play.disabled = false;
      play.addEventListener('click', function () {
        if (playing) { stop(); return; }
        if (Number(slider.value) >= last) { slider.value = '0'; show(0); moved(); }
        play.textContent = 'Pause';
        play.setAttribute('aria-pressed', 'true');
        playing = window.setInterval(function () {
          var next = Number(slider.value) + 1;
          if (next > last) { stop(); return; }
          slider.value = String(next);
          show(next);
          moved();
          if (next >= last) { stop(); }
        }, 450);
      });

      // Tooltips: level, since when, last act; a tap pins one, with a link to the state's page.
      function tipFor(code, ev) {
        var j = index[code];
        if (j === undefined) { tip.hidden = true; return; }
        tip.textContent = '';
        describe(data, j, shown).forEach(function (line, n) {
          var p = document.createElement(n === 0 ? 'strong' : 'span');
          p.textContent = line;
          tip.appendChild(p);
        });
        var a = document.createElement('a');
        a.href = el.getAttribute('data-state-href') + encodeURIComponent(code);
        a.textContent = 'History and sources';
        tip.appendChild(a);
        tip.setAttribute('data-state', code);
        tip.hidden = false;
        if (ev) {
          var box = el.parentNode.getBoundingClientRect();
          var x = ev.clientX - box.left, y = ev.clientY - box.top;
          var w = tip.offsetWidth, h = tip.offsetHeight;
          tip.style.left = Math.max(4, Math.min(x + 12, box.width - w - 4)) + 'px';
          tip.style.top = Math.max(4, y + 12 + h > box.height ? y - h - 12 : y + 12) + 'px';
        }
      }
      var pinned = false;
      svg.addEventListener('mousemove', function (ev) {
        if (pinned) { return; }
        var g = ev.target.closest ? ev.target.closest('g[data-state]') : null;
        if (g && counted[g.getAttribute('data-state')]) { tipFor(g.getAttribute('data-state'), ev); } else { tip.hidden = true; }
      });
      svg.addEventListener('mouseleave', function () { if (!pinned) { tip.hidden = true; } });
      svg.addEventListener('click', function (ev) {
        var g = ev.target.closest ? ev.target.closest('g[data-state]') : null;
        if (g && counted[g.getAttribute('data-state')]) {
          pinned = true;
          tipFor(g.getAttribute('data-state'), ev);
        } else {
          pinned = false;
          tip.hidden = true;
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
      traces.push({x: x, y: pluck(rows, 'index'), type: 'scatter', mode: 'lines', name: 'isolation index',
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

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  function start() {
    each('#copy-link', initCopyLink);
    initSections();
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
