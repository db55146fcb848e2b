/**
 * The operations console: one self-contained HTML page (no CDN, no front-end build) showing the
 * metrics document live, with uPlot (a 50 kB charting library) inlined for the lag charts.
 *
 * The page asks once for the operator's credential (kept in sessionStorage, sent as `x-api-key`),
 * polls `<api>/ops/metrics` every `pollMs`, keeps each stage's total lag over time for its chart,
 * highlights a stage falling behind (lag at or above `behindLag`, or lag that grew since the
 * previous refresh), lists the latest dead letters, and redrives a dead-letter topic (or one dead
 * letter) after a dry run and a confirmation. `<api>` is the page's own path without its last
 * segment (`/api/kafka` for `/api/kafka/ops`, also behind an API Gateway stage prefix). Everything
 * from the server is put in the page as text, never as HTML.
 */
export interface ConsolePageOptions {
  /** How often the page refreshes, in milliseconds (default 3000). */
  pollMs?: number;
  /** A stage with at least this lag is shown as falling behind (default 100). */
  behindLag?: number;
  /** How many refreshes each lag chart keeps (default 200). */
  history?: number;
}

export interface UplotAssets {
  js: string;
  css: string;
}

// Inlined text must not close its element early.
const inlineScript = (js: string): string => js.replace(/<\/(script)/gi, '<\\/$1');
const inlineStyle = (css: string): string => css.replace(/<\/(style)/gi, '<\\/$1');

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1.5rem 2rem; color: #1d1d1f; background: #fafafa; }
h1 { font-size: 1.4rem; margin: 1rem 0 0.2rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 0.5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #f0f0f3; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
#status { color: #555; }
#status.error { color: #b00020; font-weight: 600; }
.stages { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 0.8rem; }
.stage { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 0.7rem; }
.stage.behind { border: 2px solid #d93025; background: #fff4f3; }
.stage .badge { display: none; color: #fff; background: #d93025; border-radius: 3px; padding: 0 0.4rem; font-size: 0.8rem; }
.stage.behind .badge { display: inline; }
.stage h3 { margin: 0 0 0.2rem; font-size: 1rem; }
.stage .facts { color: #444; font-size: 0.85rem; }
button { font: inherit; padding: 0.15rem 0.6rem; cursor: pointer; }
dialog { border: 1px solid #aaa; border-radius: 6px; max-width: 36rem; }
#login { background: #fff; border: 1px solid #ddd; padding: 1rem; max-width: 28rem; margin-top: 1rem; }
.hidden { display: none; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var settings = JSON.parse(document.getElementById('ops-settings').textContent);
  var api = location.pathname.replace(/\\/+$/, '').replace(/\\/[^/]*$/, '');
  var KEY = 'ops-api-key';
  var history = {};
  var charts = {};
  var previousLag = {};
  var timer = null;
  var pending = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attrs[name];
      else if (name === 'onclick') node.addEventListener('click', attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }
  function cell(value, cls) { return el('td', { text: value === null || value === undefined ? '-' : String(value), class: cls || '' }); }
  function status(text, isError) {
    var node = document.getElementById('status');
    node.textContent = text;
    node.className = isError ? 'error' : '';
  }

  function askForKey(message) {
    if (timer) { clearTimeout(timer); timer = null; }
    sessionStorage.removeItem(KEY);
    document.getElementById('login').classList.remove('hidden');
    document.getElementById('console').classList.add('hidden');
    document.getElementById('login-message').textContent = message || '';
    document.getElementById('api-key').focus();
  }

  function call(method, path, body) {
    var headers = { 'x-api-key': sessionStorage.getItem(KEY) || '' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(api + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        return response.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
          if (response.status === 401 || response.status === 403) {
            askForKey('The operator credential was refused (' + response.status + '). Enter it again.');
            throw new Error('credential refused');
          }
          if (!response.ok) {
            var message = json && json.error && json.error.message ? json.error.message : 'HTTP ' + response.status;
            throw new Error(message);
          }
          return json;
        });
      });
  }

  function renderTopics(doc) {
    var body = document.querySelector('#topics tbody');
    body.replaceChildren();
    doc.topics.forEach(function (t) {
      var end = t.partitions.reduce(function (sum, p) { return sum + p.end_offset; }, 0);
      body.appendChild(el('tr', {}, [
        cell(t.topic), cell(t.partitions.length, 'num'), cell(end, 'num'),
        cell(t.records_in_window, 'num'), cell(t.rate_per_second.toFixed(2), 'num'),
      ]));
    });
  }

  function chartFor(stage, box) {
    var data = history[stage];
    if (!window.uPlot) return;
    if (!charts[stage]) {
      charts[stage] = new uPlot({
        width: 300, height: 110, legend: { show: false },
        scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(5, max * 1.1)]; } } },
        axes: [{ size: 24 }, { size: 40 }],
        series: [{}, { label: 'lag', stroke: '#d93025', width: 2, fill: 'rgba(217,48,37,0.08)' }],
      }, [data.t, data.lag], box);
    } else {
      charts[stage].setData([data.t, data.lag]);
    }
  }

  function renderStages(doc) {
    var container = document.getElementById('stages');
    doc.stages.forEach(function (s) {
      var id = 'stage-' + s.stage;
      var box = document.getElementById(id);
      if (!box) {
        box = el('div', { class: 'stage', id: id, 'data-stage': s.stage }, [
          el('h3', {}, [document.createTextNode(s.stage + ' '), el('span', { class: 'badge', text: 'falling behind' })]),
          el('div', { class: 'facts' }),
          el('div', { class: 'chart' }),
        ]);
        container.appendChild(box);
      }
      var data = history[s.stage] || (history[s.stage] = { t: [], lag: [] });
      data.t.push(Date.parse(doc.generated_at) / 1000);
      data.lag.push(s.total_lag);
      if (data.t.length > settings.history) { data.t.shift(); data.lag.shift(); }
      var grew = previousLag[s.stage] !== undefined && s.total_lag > previousLag[s.stage];
      previousLag[s.stage] = s.total_lag;
      var behind = s.total_lag > 0 && (s.total_lag >= settings.behindLag || grew);
      box.classList.toggle('behind', behind);
      box.setAttribute('data-lag', String(s.total_lag));
      var facts = box.querySelector('.facts');
      facts.replaceChildren(
        el('div', { text: s.topic + ' · group ' + s.group }),
        el('div', {}, [
          document.createTextNode('lag '),
          el('strong', { class: 'lag', text: String(s.total_lag) }),
          document.createTextNode(' · ' + s.state + ' · ' + s.members + ' member' + (s.members === 1 ? '' : 's')),
        ]),
        el('div', { text: s.partitions.map(function (p) { return 'p' + p.partition + ' ' + (p.lag === null ? '-' : p.lag); }).join('  ') }),
      );
      chartFor(s.stage, box.querySelector('.chart'));
    });
  }

  function renderDeadLetters(doc) {
    var summary = document.querySelector('#dlq-topics tbody');
    summary.replaceChildren();
    var letters = document.querySelector('#dead-letters tbody');
    letters.replaceChildren();
    doc.dead_letters.forEach(function (d) {
      summary.appendChild(el('tr', { 'data-topic': d.topic }, [
        cell(d.topic), cell(d.count, 'num'),
        el('td', {}, d.count > 0 ? [el('button', { class: 'redrive-all', text: 'Redrive all', onclick: function () {
          confirmRedrive(d.topic, 'all', 'every dead letter in ' + d.topic);
        } })] : []),
      ]));
      d.latest.forEach(function (l) {
        var origin = l.original ? l.original.topic + '-' + l.original.partition + '@' + l.original.offset : '-';
        letters.appendChild(el('tr', { class: 'dead-letter', 'data-id': l.dead_letter_id || '' }, [
          cell(l.failed_at), cell(d.topic), cell(l.stage), cell(l.reason), cell(l.error), cell(l.attempt, 'num'),
          cell(origin), cell(l.event_id),
          el('td', {}, l.dead_letter_id ? [el('button', { class: 'redrive-one', text: 'Redrive', onclick: function () {
            confirmRedrive(d.topic, { partition: l.dlq_partition, from: l.dlq_offset, to: l.dlq_offset }, 'the dead letter at ' + d.topic + '-' + l.dlq_partition + '@' + l.dlq_offset);
          } })] : []),
        ]));
      });
    });
  }

  function confirmRedrive(topic, select, what) {
    var dialog = document.getElementById('redrive-dialog');
    var text = document.getElementById('redrive-text');
    var confirmButton = document.getElementById('redrive-confirm');
    text.textContent = 'Checking ' + what + '…';
    confirmButton.disabled = true;
    pending = { topic: topic, select: select };
    dialog.showModal();
    call('POST', '/dlq/' + encodeURIComponent(topic) + '/redrive', { select: select, dry_run: true })
      .then(function (dry) {
        text.textContent = 'Redrive ' + dry.redriven.length + ' dead letter(s) from ' + topic +
          ' to their source topic? ' + dry.skipped.length + ' will be skipped (already redriven or not dead letters).';
        confirmButton.disabled = dry.redriven.length === 0;
      })
      .catch(function (error) { text.textContent = 'Cannot redrive: ' + error.message; });
  }

  function runRedrive() {
    var dialog = document.getElementById('redrive-dialog');
    if (!pending) return dialog.close();
    var job = pending;
    pending = null;
    call('POST', '/dlq/' + encodeURIComponent(job.topic) + '/redrive', { select: job.select, dry_run: false })
      .then(function (result) {
        dialog.close();
        status('Redrove ' + result.redriven.length + ' dead letter(s) from ' + job.topic + '; skipped ' + result.skipped.length + '.');
        document.getElementById('last-redrive').textContent = JSON.stringify(result);
      })
      .catch(function (error) {
        document.getElementById('redrive-text').textContent = 'Redrive failed: ' + error.message;
      });
  }

  function refresh() {
    timer = null;
    call('GET', '/ops/metrics')
      .then(function (doc) {
        renderTopics(doc);
        renderStages(doc);
        renderDeadLetters(doc);
        document.getElementById('updated').textContent = doc.generated_at;
        if (!/^Redrove/.test(document.getElementById('status').textContent)) status('Live, refreshed every ' + settings.pollMs / 1000 + ' s');
      })
      .catch(function (error) {
        if (error.message !== 'credential refused') status('Refresh failed: ' + error.message + ' (retrying)', true);
      })
      .then(function () {
        if (sessionStorage.getItem(KEY) && !timer) timer = setTimeout(refresh, settings.pollMs);
      });
  }

  function start() {
    document.getElementById('login').classList.add('hidden');
    document.getElementById('console').classList.remove('hidden');
    refresh();
  }

  document.getElementById('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var key = document.getElementById('api-key').value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY, key);
    start();
  });
  document.getElementById('redrive-confirm').addEventListener('click', runRedrive);
  document.getElementById('redrive-cancel').addEventListener('click', function () {
    pending = null;
    document.getElementById('redrive-dialog').close();
  });
  if (sessionStorage.getItem(KEY)) start(); else askForKey('');
})();
`;

const BODY = `
<h1>Event backbone · operations</h1>
<div id="status">Not connected</div>
<section id="login" class="hidden">
  <form id="login-form">
    <p>The operator credential (sent as <code>x-api-key</code>; kept for this tab only).</p>
    <p id="login-message"></p>
    <input id="api-key" type="password" autocomplete="off" size="36" aria-label="operator credential">
    <button type="submit">Open the console</button>
  </form>
</section>
<main id="console" class="hidden">
  <p>Updated <span id="updated">-</span></p>
  <h2>Stages (consumer-group lag)</h2>
  <div id="stages" class="stages"></div>
  <h2>Topics</h2>
  <table id="topics"><thead><tr><th>topic</th><th>partitions</th><th>end offsets</th><th>last minute</th><th>records/s</th></tr></thead><tbody></tbody></table>
  <h2>Dead-letter topics</h2>
  <table id="dlq-topics"><thead><tr><th>topic</th><th>dead letters</th><th></th></tr></thead><tbody></tbody></table>
  <h2>Latest dead letters</h2>
  <table id="dead-letters"><thead><tr><th>when</th><th>topic</th><th>stage</th><th>reason</th><th>error</th><th>attempt</th><th>original</th><th>event id</th><th></th></tr></thead><tbody></tbody></table>
  <pre id="last-redrive" class="hidden"></pre>
</main>
<dialog id="redrive-dialog">
  <p id="redrive-text"></p>
  <button id="redrive-confirm" type="button">Redrive</button>
  <button id="redrive-cancel" type="button">Cancel</button>
</dialog>
`;

/**
 * The console's HTML with uPlot's `assets`: inlined by the bundler in a function
 * (lib/ops/uplot-inlined.ts), read from node_modules in tests and scripts (lib/ops/uplot-assets.ts).
 */
export function consolePage(options: ConsolePageOptions, assets: UplotAssets): string {
  const settings = {
    pollMs: options.pollMs ?? 3000,
    behindLag: options.behindLag ?? 100,
    history: options.history ?? 200,
  };
  // JSON in a non-executed script element: `<` escaped so no value can end the element.
  const settingsJson = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Event backbone · operations</title>
<style>${inlineStyle(assets.css)}</style>
<style>${STYLE}</style>
</head>
<body>
${BODY}
<script id="ops-settings" type="application/json">${settingsJson}</script>
<script>${inlineScript(assets.js)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
