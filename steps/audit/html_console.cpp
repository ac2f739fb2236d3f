// The release console: one HTML file with its CSS, script and charts inline. The report data sits
// in a <script type="application/json"> block (escaped so it cannot end the block) and the script
// renders it with textContent and createElementNS only: no data ever becomes markup. The meta CSP
// allows exactly the page's own style and script (by hash) and nothing else: no request leaves it.
#include "digest.hpp"
#include "encoding.hpp"
#include "report_formats.hpp"

namespace relgate::audit
{
namespace
{

constexpr std::string_view console_css = R"CSS(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:#fff}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--bg)}
header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:var(--muted)}
main{padding:8px 24px 32px;max-width:1400px}
h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:200px;background:#fff}
.tile .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.tile .value{font-size:22px;font-weight:600}
.tile .sub{color:var(--muted);font-size:12px;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg)}
td.reasons{white-space:pre-wrap;word-break:break-word}
.ALLOW,.success,.healthy,.stable,.complete{color:var(--ok);font-weight:600}
.DENY,.failed,.unhealthy,.rolled-back,.stopped{color:var(--bad);font-weight:600}
.INCONCLUSIVE,.ERROR,.canary,.incomplete{color:var(--warn);font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart h3{font-size:13px;margin:0 0 4px}
.filters{display:flex;gap:8px;margin:0 0 8px}
.filters input{flex:1;padding:4px 8px;font:inherit}
.filters select{font:inherit}
.empty{color:var(--muted)}
)CSS";

constexpr std::string_view console_js = R"JS(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('audit-data').textContent);
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function pct(x) { return x === null || x === undefined ? 'n/a' : (x * 100).toFixed(1) + '%'; }
  function dur(s) {
    if (s === null || s === undefined) return 'n/a';
    if (s < 1) return (s * 1000).toFixed(0) + ' ms';
    if (s < 120) return s.toFixed(1) + ' s';
    if (s < 7200) return (s / 60).toFixed(1) + ' min';
    if (s < 172800) return (s / 3600).toFixed(1) + ' h';
    return (s / 86400).toFixed(1) + ' d';
  }
  function ms(x) { return x === null || x === undefined ? '' : x.toFixed(0) + ' ms'; }
  function tile(parent, label, value, sub, metric) {
    var t = el('div', null, 'tile');
    if (metric) t.setAttribute('data-metric', metric);
    t.appendChild(el('div', label, 'label'));
    t.appendChild(el('div', value, 'value'));
    if (sub) t.appendChild(el('div', sub, 'sub'));
    parent.appendChild(t);
  }
  function table(parent, headers, rows, classes) {
    if (!rows.length) { parent.appendChild(el('p', 'None recorded.', 'empty')); return null; }
    var tbl = el('table'), head = el('tr');
    headers.forEach(function (h) { head.appendChild(el('th', h)); });
    var thead = el('thead'); thead.appendChild(head); tbl.appendChild(thead);
    var body = el('tbody');
    rows.forEach(function (row) {
      var tr = el('tr');
      row.forEach(function (cell, i) { tr.appendChild(el('td', cell, classes && classes[i] ? classes[i](cell) : '')); });
      body.appendChild(tr);
    });
    tbl.appendChild(body);
    parent.appendChild(tbl);
    return tbl;
  }
  var SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  // Horizontal bars: items [{label, value, text}], max = full width.
  function barChart(parent, title, items, max, color, id) {
    var box = el('div', null, 'chart');
    box.appendChild(el('h3', title));
    var rowH = 22, labelW = 150, barW = 260, h = Math.max(items.length, 1) * rowH + 4;
    var root = svg('svg', {width: labelW + barW + 200, height: h, role: 'img', id: id});
    root.appendChild(svg('title', {}, title));
    items.forEach(function (item, i) {
      var y = i * rowH + 2;
      root.appendChild(svg('text', {x: 0, y: y + 15, 'font-size': 12, fill: '#1f2328'}, item.label));
      var w = max > 0 ? Math.max(1, Math.round(barW * item.value / max)) : 1;
      root.appendChild(svg('rect', {x: labelW, y: y + 3, width: w, height: 14, fill: color, rx: 2}));
      root.appendChild(svg('text', {x: labelW + w + 6, y: y + 15, 'font-size': 12, fill: '#59636e'}, item.text));
    });
    box.appendChild(root);
    parent.appendChild(box);
  }

  document.getElementById('generated').textContent =
    'Generated ' + data.generated_at + (data.repo ? ' from ' + data.repo : '') + ' \u00b7 ' +
    data.inputs.evidence.length + ' evidence file(s) \u00b7 ' + data.decisions.length + ' record(s)';

  // "api/prod" (and tile ids env-api-prod): release ids repeat across applications.
  function where(x) { return x.app ? x.app + '/' + x.env : x.env; }
  function key(x) { return x.app ? x.app + '-' + x.env : x.env; }
  var envs = document.getElementById('envs');
  data.environments.forEach(function (e) {
    var value = e.stable ? e.stable.release_id || e.stable.digest : 'nothing stable';
    var sub = e.canary ? 'canary ' + (e.canary.release_id || e.canary.digest) + ' at ' + e.canary.weight + '%'
                       : 'no canary';
    tile(envs, where(e), value, sub, 'env-' + key(e));
  });
  if (!data.environments.length) envs.appendChild(el('p', 'No GitOps repository read.', 'empty'));

  var dora = document.getElementById('dora');
  data.dora.environments.forEach(function (d) {
    tile(dora, 'deployments \u00b7 ' + where(d), String(d.deployments),
         d.deployment_frequency_per_day.toFixed(3) + ' per day (last ' + d.window_days + ' days)', 'deployments-' + key(d));
    tile(dora, 'change failure rate \u00b7 ' + where(d), pct(d.change_failure_ratio),
         d.failed + ' of ' + d.deployments + ' rolled back or rejected', 'cfr-' + key(d));
  });
  tile(dora, 'lead time \u00b7 ' + data.dora.lead_time.env, dur(data.dora.lead_time.p50_seconds),
       'median of ' + data.dora.lead_time.releases.length + ' release(s)', 'lead-time');
  tile(dora, 'recovery time \u00b7 ' + data.dora.failed_deployment_recovery.env,
       dur(data.dora.failed_deployment_recovery.p50_seconds),
       'median of ' + data.dora.failed_deployment_recovery.failures.length + ' failure(s)', 'recovery-time');

  var charts = document.getElementById('gate-charts');
  barChart(charts, 'Deny rate per gate', data.gates.map(function (g) {
    return {label: g.gate, value: g.deny_ratio || 0, text: pct(g.deny_ratio) + ' of ' + g.decisions};
  }), 1, '#cf222e', 'deny-chart');
  var maxLatency = 0;
  data.gates.forEach(function (g) { maxLatency = Math.max(maxLatency, g.duration_p99_seconds || 0); });
  barChart(charts, 'Decision latency per gate (p99)', data.gates.map(function (g) {
    return {label: g.gate, value: g.duration_p99_seconds || 0,
            text: 'p50 ' + dur(g.duration_p50_seconds) + ', p99 ' + dur(g.duration_p99_seconds)};
  }), maxLatency, '#0969da', 'latency-chart');
  var gateTable = table(document.getElementById('gates'), ['Gate', 'Decisions', 'ALLOW', 'DENY', 'INCONCLUSIVE', 'ERROR', 'Deny rate', 'p50', 'p99'],
        data.gates.map(function (g) {
          return [g.gate, g.decisions, g.allow, g.deny, g.inconclusive, g.error, pct(g.deny_ratio),
                  dur(g.duration_p50_seconds), dur(g.duration_p99_seconds)];
        }));
  if (gateTable) gateTable.id = 'gate-table';

  function byOutcome(v) { return String(v); }
  table(document.getElementById('releases'), ['App', 'Release', 'Env', 'Outcome', 'Result'],
        data.releases.map(function (r) { return [r.app || '', r.release_id || '(no id)', r.env || '', r.outcome, r.result]; }),
        [null, null, null, byOutcome, null]);
  table(document.getElementById('timeline'), ['When', 'App', 'Env', 'What', 'Release', 'Outcome', 'Who', 'Why'],
        data.timeline.map(function (t) {
          return [t.time, t.app || '', t.env || '', t.what, t.release_id || '', t.outcome, t.who || '', t.why];
        }), [null, null, null, null, null, byOutcome, null, null]);
  var drillRows = data.drills.map(function (d) {
    return [d.time, d.app || '', d.env, d.result, d.failed_phase, ms(d.phases_ms.rollback), ms(d.phases_ms.converge),
            ms(d.phases_ms.post_check), ms(d.phases_ms.roll_forward), ms(d.recovery_ms), d.to_release || ''];
  });
  table(document.getElementById('drills'), ['When', 'App', 'Env', 'Result', 'Failed phase', 'Rollback', 'Converge',
        'Post-check', 'Roll forward', 'Recovery', 'Rolled back to'], drillRows, [null, null, null, byOutcome]);
  if (data.drill_trend) document.getElementById('drills').appendChild(el('p', 'Recovery trend: ' + data.drill_trend));

  var decisionsBox = document.getElementById('decisions');
  var tbl = table(decisionsBox, ['When', 'Gate', 'Decision', 'App', 'Env', 'Stage', 'Release', 'Reasons'],
        data.decisions.map(function (d) {
          return [d.time, d.gate, d.decision, d.app || '', d.env || '', d.stage === null ? '' : d.stage + '%', d.release_id || '',
                  d.reasons.join('\n')];
        }), [null, null, byOutcome, null, null, null, null, function () { return 'reasons'; }]);
  var count = document.getElementById('decision-count');
  function applyFilter() {
    if (!tbl) { count.textContent = '0 shown'; return; }
    var text = document.getElementById('filter').value.toLowerCase();
    var only = document.getElementById('decision-filter').value;
    var shown = 0;
    Array.prototype.forEach.call(tbl.tBodies[0].rows, function (row) {
      var match = (!text || row.textContent.toLowerCase().indexOf(text) >= 0) &&
                  (!only || row.cells[2].textContent === only);
      row.hidden = !match;
      if (match) shown++;
    });
    count.textContent = shown + ' shown';
  }
  document.getElementById('filter').addEventListener('input', applyFilter);
  document.getElementById('decision-filter').addEventListener('change', applyFilter);
  applyFilter();

  var notes = document.getElementById('notes');
  data.notes.forEach(function (n) { notes.appendChild(el('li', n)); });
  document.body.setAttribute('data-rendered', 'true');
})();
)JS";

std::string csp_hash(std::string_view text)
{
  auto raw = hex_decode(sha256_hex(text));
  return "'sha256-" + base64_encode(raw ? *raw : std::string()) + "'";
}

} // namespace

std::string escape_json_for_script(std::string_view json)
{
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else if (c == '\xe2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
             (json[i + 2] == '\xa8' || json[i + 2] == '\xa9')) {
      out += json[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_html(const AuditReport &report)
{
  const std::string data = escape_json_for_script(to_json(report_to_json(report)));
  std::string page;
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src " +
          csp_hash(console_css) + "; script-src " + csp_hash(console_js) +
          "; img-src data:; base-uri 'none'; form-action 'none'\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<link rel=\"icon\" href=\"data:,\">\n";
  page += "<title>relgate release console</title>\n";
  page += "<style>" + std::string(console_css) + "</style>\n</head>\n<body>\n";
  page += "<header><h1>relgate release console</h1><p id=\"generated\"></p></header>\n<main>\n";
  page += "<section><h2>Environments</h2><div id=\"envs\" class=\"tiles\"></div></section>\n";
  page += "<section><h2>DORA</h2><div id=\"dora\" class=\"tiles\"></div></section>\n";
  page += "<section><h2>Releases</h2><div id=\"releases\"></div></section>\n";
  page += "<section><h2>Gates</h2><div id=\"gate-charts\" class=\"charts\"></div><div id=\"gates\"></div></section>\n";
  page += "<section><h2>Timeline</h2><div id=\"timeline\"></div></section>\n";
  page += "<section><h2>Drills</h2><div id=\"drills\"></div></section>\n";
  page += "<section><h2>Decisions</h2><div class=\"filters\"><input id=\"filter\" type=\"search\" "
          "placeholder=\"filter by any text\" aria-label=\"filter decisions\"><select id=\"decision-filter\" "
          "aria-label=\"decision\"><option value=\"\">all decisions</option><option>ALLOW</option><option>DENY"
          "</option><option>INCONCLUSIVE</option><option>ERROR</option></select><span id=\"decision-count\">"
          "</span></div><div id=\"decisions\"></div></section>\n";
  page += "<section><h2>Notes</h2><ul id=\"notes\"></ul></section>\n</main>\n";
  page += "<script type=\"application/json\" id=\"audit-data\">" + data + "</script>\n";
  page += "<script>" + std::string(console_js) + "</script>\n</body>\n</html>\n";
  return page;
}

} // namespace relgate::audit
