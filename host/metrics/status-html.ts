// The status page itself: one self-contained HTML document (inline CSS and JS, no external assets) that opens
// an EventSource on the page's stream and redraws from each `status` event. Every value from the stream is
// put in the DOM with textContent or an SVG attribute of a number, never as markup: Names and Groups come
// from scripts and may come from requests. The script and the style are fixed text, so the page is served
// with a Content-Security-Policy that allows exactly them by hash and nothing else but its own stream.
import { createHash } from 'node:crypto';

const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --card: #fff; --bg: #f5f6f8; --accent: #2f6fde; --bad: #d92d20; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 16px; padding: 14px 24px; background: #101828; color: #fff; }
header h1 { margin: 0; font-size: 18px; font-weight: 600; }
header .meta { color: #d0d5dd; font-size: 13px; }
#state { margin-left: auto; font-size: 13px; padding: 2px 10px; border-radius: 10px; background: #475467; }
#state.live { background: #079455; }
#state.closed { background: var(--bad); }
main { padding: 18px 24px; display: grid; gap: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
.card, section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
.card { padding: 10px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
section { padding: 12px 16px; }
section h2 { margin: 0 0 8px; font-size: 15px; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.num, th.num { text-align: right; }
.empty td { color: var(--muted); font-style: italic; }
.none { color: var(--muted); font-style: italic; }
#chart { width: 100%; height: 180px; display: block; }
#chart .grid { stroke: var(--line); stroke-width: 1; }
#chart .axis { fill: var(--muted); font-size: 11px; }
#chart .events { fill: none; stroke: var(--accent); stroke-width: 2; }
#chart .area { fill: var(--accent); opacity: .12; stroke: none; }
#chart .dropped { fill: none; stroke: var(--bad); stroke-width: 1.5; }
.legend { color: var(--muted); font-size: 12px; }
.legend .k { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin: 0 4px 0 10px; }
.legend .ke { background: var(--accent); } .legend .kd { background: var(--bad); }
.ok { color: #079455; } .bad { color: var(--bad); }
`;

const SCRIPT = `
(function () {
  'use strict';
  var RING = 300;
  var W = 600, H = 180, TOP = 12, BOTTOM = 20, LEFT = 44;
  var SVG = 'http://www.w3.org/2000/svg';
  var history = [];
  var ticks = 0;
  function $(id) { return document.getElementById(id); }
  function set(id, value) { $(id).textContent = String(value); }
  function num(n) { return Number(n).toLocaleString('en-US'); }
  function bytes(n) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + u[i];
  }
  function uptime(ms) {
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + (s % 60) + 's';
  }
  function cell(text, cls) {
    var td = document.createElement('td');
    td.textContent = String(text);
    if (cls) td.className = cls;
    return td;
  }
  function fill(id, items, row, columns, emptyText) {
    var body = $(id);
    var out = [];
    for (var i = 0; i < items.length; i++) out.push(row(items[i]));
    if (out.length === 0) {
      var tr = document.createElement('tr');
      tr.className = 'empty';
      var td = cell(emptyText);
      td.colSpan = columns;
      tr.appendChild(td);
      out.push(tr);
    }
    body.replaceChildren.apply(body, out);
  }
  function tr(cells, attrs) {
    var r = document.createElement('tr');
    for (var k in attrs) r.setAttribute(k, attrs[k]);
    for (var i = 0; i < cells.length; i++) r.appendChild(cells[i]);
    return r;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function draw() {
    var chart = $('chart');
    // Drawn in the SVG's own pixels, so the labels are never stretched.
    W = Math.max(300, Math.round(chart.getBoundingClientRect().width) || 600);
    chart.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var parts = [];
    var max = 1;
    for (var i = 0; i < history.length; i++) max = Math.max(max, history[i].events, history[i].dropped);
    var step = Math.pow(10, Math.floor(Math.log10(max)));
    var top = Math.ceil(max / step) * step;
    var plotH = H - TOP - BOTTOM, plotW = W - LEFT;
    for (var g = 0; g <= 4; g++) {
      var gy = TOP + plotH - (plotH * g) / 4;
      parts.push(svg('line', { class: 'grid', x1: LEFT, x2: W, y1: gy, y2: gy }));
      var label = svg('text', { class: 'axis', x: LEFT - 6, y: gy + 4, 'text-anchor': 'end' });
      label.textContent = num(Math.round((top * g) / 4 * 100) / 100);
      parts.push(label);
    }
    var ago = [['-5m', 0], ['-4m', 60], ['-3m', 120], ['-2m', 180], ['-1m', 240], ['now', 300]];
    for (var a = 0; a < ago.length; a++) {
      var t = svg('text', { class: 'axis', x: LEFT + (plotW * ago[a][1]) / RING, y: H - 4, 'text-anchor': a === 0 ? 'start' : a === ago.length - 1 ? 'end' : 'middle' });
      t.textContent = ago[a][0];
      parts.push(t);
    }
    var end = history.length ? history[history.length - 1].at : 0;
    var ev = [], dr = [];
    for (var j = 0; j < history.length; j++) {
      var s = history[j];
      var x = LEFT + plotW * (1 - (end - s.at) / (RING * 1000));
      if (x < LEFT) continue;
      ev.push(x.toFixed(1) + ',' + (TOP + plotH - (plotH * s.events) / top).toFixed(1));
      dr.push(x.toFixed(1) + ',' + (TOP + plotH - (plotH * s.dropped) / top).toFixed(1));
    }
    if (ev.length) {
      var first = ev[0].split(',')[0], last = ev[ev.length - 1].split(',')[0], base = (TOP + plotH).toFixed(1);
      parts.push(svg('polygon', { class: 'area', points: first + ',' + base + ' ' + ev.join(' ') + ' ' + last + ',' + base }));
      parts.push(svg('polyline', { class: 'events', points: ev.join(' ') }));
      parts.push(svg('polyline', { class: 'dropped', points: dr.join(' ') }));
    }
    chart.replaceChildren.apply(chart, parts);
    chart.setAttribute('data-points', String(ev.length));
  }
  function render(s) {
    ticks++;
    if (s.rate.history) history = s.rate.history.slice();
    else if (s.rate.latest && (!history.length || history[history.length - 1].at < s.rate.latest.at)) history.push(s.rate.latest);
    if (history.length > RING) history.splice(0, history.length - RING);
    var t = s.totals;
    set('self', s.self);
    set('updated', new Date(s.at).toLocaleTimeString('en-GB'));
    set('open', num(t.open));
    set('rate', num(s.rate.latest ? s.rate.latest.events : 0));
    set('events', num(t.events));
    set('bytes', bytes(t.bytes));
    set('dropped', num(t.dropped));
    set('pings', num(t.pings));
    set('gaps', num(t.gaps));
    set('replays', num(t.replays));
    set('requests', num(t.requests));
    set('tasks', num(s.tasks.running) + ' / ' + num(s.tasks.queued));
    var b = s.backplane;
    set('bp-kind', b.kind);
    var c = $('bp-connected');
    c.textContent = b.kind === 'none' ? 'n/a (one process)' : b.connected ? 'connected' : 'disconnected';
    c.className = b.kind === 'none' ? 'none' : b.connected ? 'ok' : 'bad';
    set('bp-target', b.target || '—');
    set('bp-lag', b.kind === 'none' ? '—' : b.lastLagMs.toFixed(2) + ' ms (' + num(b.ordered) + ' sends ordered)');
    fill('names', s.names, function (n) {
      return tr([cell(n.name, 'name'), cell(num(n.open), 'num open'), cell(num(n.events), 'num events'), cell(bytes(n.bytes), 'num'), cell(num(n.opened), 'num'), cell(num(n.dropped), 'num dropped')], { 'data-name': n.name });
    }, 6, 'No SSE Names yet');
    set('more-names', s.more.names ? '+ ' + num(s.more.names) + ' more Names not shown' : '');
    var groups = [];
    for (var i = 0; i < s.names.length; i++) {
      var n = s.names[i];
      for (var g = 0; g < n.groups.length; g++) groups.push({ name: n.name, group: n.groups[g].group, open: n.groups[g].open });
      if (n.moreGroups) groups.push({ name: n.name, group: null, open: null, more: n.moreGroups });
    }
    fill('groups', groups, function (g) {
      if (g.more) { var m = cell('+ ' + num(g.more) + ' more Groups', 'none'); m.colSpan = 2; return tr([cell(g.name), m], {}); }
      return tr([cell(g.name, 'name'), g.group === '' ? cell('(no Group)', 'none') : cell(g.group, 'group'), cell(num(g.open), 'num open')], { 'data-name': g.name });
    }, 3, 'No open connections');
    fill('processes', s.processes, function (p) {
      return tr([cell(p.instance + (p.self ? ' (this page)' : '')), cell(p.worker === undefined ? '—' : p.worker), cell(p.pid, 'num'), cell(num(p.open), 'num open'), cell(bytes(p.rssBytes), 'num'), cell(uptime(p.uptimeMs), 'num')], {});
    }, 6, '');
    draw();
    document.body.setAttribute('data-ticks', String(ticks));
  }
  function state(text, cls) { var e = $('state'); e.textContent = text; e.className = cls; }
  var source = new EventSource(document.body.getAttribute('data-events'));
  source.onopen = function () { state('live', 'live'); };
  source.onerror = function () { if (source.readyState !== 2) state('reconnecting…', ''); };
  source.addEventListener('status', function (e) { render(JSON.parse(e.data)); });
  source.addEventListener('pode.close', function () { source.close(); state('server stopped', 'closed'); });
})();
`;

const BODY = `
<header><h1>podets status</h1><span class="meta">process <span id="self">…</span> · updated <span id="updated">…</span></span><span id="state">connecting…</span></header>
<main>
<div class="cards">
<div class="card"><div class="label">Open connections</div><div class="value" id="open">0</div></div>
<div class="card"><div class="label">Events / s</div><div class="value" id="rate">0</div></div>
<div class="card"><div class="label">Events sent</div><div class="value" id="events">0</div></div>
<div class="card"><div class="label">Bytes sent</div><div class="value" id="bytes">0</div></div>
<div class="card"><div class="label">Slow clients dropped</div><div class="value" id="dropped">0</div></div>
<div class="card"><div class="label">Pings</div><div class="value" id="pings">0</div></div>
<div class="card"><div class="label">pode.gap sent</div><div class="value" id="gaps">0</div></div>
<div class="card"><div class="label">Replays</div><div class="value" id="replays">0</div></div>
<div class="card"><div class="label">Requests</div><div class="value" id="requests">0</div></div>
<div class="card"><div class="label">Tasks running / queued</div><div class="value" id="tasks">0 / 0</div></div>
</div>
<section><h2>Events per second, last 5 minutes</h2>
<svg id="chart" viewBox="0 0 600 180" role="img" aria-label="events per second" data-points="0"></svg>
<div class="legend"><span class="k ke"></span>events sent<span class="k kd"></span>slow clients dropped</div>
</section>
<div class="cols">
<section><h2>Connections per Name</h2>
<table><thead><tr><th>Name</th><th class="num">Open</th><th class="num">Events</th><th class="num">Bytes</th><th class="num">Opened</th><th class="num">Dropped</th></tr></thead><tbody id="names"></tbody></table>
<div class="legend" id="more-names"></div></section>
<section><h2>Connections per Group</h2>
<table><thead><tr><th>Name</th><th>Group</th><th class="num">Open</th></tr></thead><tbody id="groups"></tbody></table></section>
</div>
<div class="cols">
<section><h2>Workers and instances</h2>
<table><thead><tr><th>Instance</th><th>Worker</th><th class="num">PID</th><th class="num">Connections</th><th class="num">RSS</th><th class="num">Uptime</th></tr></thead><tbody id="processes"></tbody></table></section>
<section><h2>Backplane</h2>
<table><tbody>
<tr><th>Kind</th><td id="bp-kind">…</td></tr>
<tr><th>State</th><td id="bp-connected">…</td></tr>
<tr><th>Target</th><td id="bp-target">…</td></tr>
<tr><th>Last hub lag</th><td id="bp-lag">…</td></tr>
</tbody></table></section>
</div>
</main>`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Allows exactly the inline script and style (by hash), the stream on this origin, and nothing else. */
export const STATUS_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src data:", // the empty favicon, so the browser asks the server for none
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page, its stream at `eventsPath` (an attribute the script reads, so the script and its hash never change). */
export function statusHtml(eventsPath: string): string {
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>podets status</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>` +
    `<body data-events="${escapeAttribute(eventsPath)}">${BODY}<script>${SCRIPT}</script></body></html>\n`
  );
}
