/**
 * The player page `npm start` serves (local stage only): pick a user, press the game's buttons and
 * watch the notices arrive on the WebSocket and the player's state. It carries the LOCAL game-server
 * API key so it can call the game endpoints the way a game backend would; it is never deployed.
 */
export function playPage(gameKey: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Casino-Club F2P · player page (local)</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#10121a;color:#e6e6f0}
header{padding:12px 20px;background:#1b1e2b;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
h1{font-size:18px;margin:0 16px 0 0}
button{background:#6b4eff;color:#fff;border:0;border-radius:6px;padding:8px 14px;cursor:pointer}
button:disabled{opacity:.5}
input{padding:7px;border-radius:6px;border:1px solid #444;background:#0c0d13;color:#fff}
main{display:grid;grid-template-columns:1.3fr 1fr;gap:16px;padding:16px 20px}
section{background:#181a26;border-radius:8px;padding:12px}
h2{font-size:15px;margin:0 0 8px}
#notices li{list-style:none;margin:6px 0;padding:8px;border-radius:6px;background:#222538}
#notices .type{font-weight:700;margin-right:8px}
.REWARD .type{color:#ffd54f}.FEEDBACK .type{color:#4fc3f7}
pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:12px}
#status{font-weight:600}.warn{color:#ffb74d;font-size:12px}
</style></head>
<body>
<header>
<h1>Player page</h1>
<label>user <input id="user" value="player-1" size="14"></label>
<button id="connect">connect</button>
<button id="spin">spin</button>
<button id="gacha">open gacha</button>
<button id="earn">earn tokens</button>
<button id="spend">spend tokens</button>
<span id="status">disconnected</span>
<span class="warn">Local play only: this page embeds the local game-server API key.</span>
</header>
<main>
<section><h2>Notices (live, acknowledged as shown)</h2><ul id="notices"></ul></section>
<section><h2>Player state</h2><pre id="state">–</pre><h2 style="margin-top:12px">Last answer</h2><pre id="answer">–</pre></section>
</main>
<script>
const GAME_KEY = ${JSON.stringify(gameKey)};
const API = location.origin + '/api/kafka';
const $ = (id) => document.getElementById(id);
const seen = new Set();
let socket, retry = 0;
const user = () => $('user').value.trim();
const setStatus = (text) => { $('status').textContent = text; };

async function call(method, path, body) {
  const res = await fetch(API + path, { method, headers: { 'x-api-key': GAME_KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  let json; try { json = await res.json(); } catch { json = null; }
  return { status: res.status, json };
}
async function refreshState() {
  const { status, json } = await call('GET', '/players/' + encodeURIComponent(user()));
  $('state').textContent = status === 200 ? JSON.stringify(json, null, 2) : 'state not available (' + status + ')';
}
function show(notice) {
  if (seen.has(notice.event_id)) return; // at-least-once: drop repeats by event_id
  seen.add(notice.event_id);
  const li = document.createElement('li');
  const type = notice.data && notice.data.type;
  li.className = type;
  li.dataset.eventId = notice.event_id;
  li.innerHTML = '<span class="type"></span><span class="title"></span> <div class="body"></div>';
  li.querySelector('.type').textContent = type;
  li.querySelector('.title').textContent = notice.data.title;
  li.querySelector('.body').textContent = notice.data.body;
  $('notices').prepend(li);
}
async function connect() {
  // Forget the old socket before closing it, so its close does not schedule a reconnect.
  const previous = socket;
  socket = undefined;
  if (previous) previous.close();
  seen.clear(); $('notices').innerHTML = '';
  setStatus('connecting…');
  const { status, json } = await call('POST', '/players/' + encodeURIComponent(user()) + '/session');
  if (status !== 201) { setStatus('session refused (' + status + ')'); return; }
  const ws = new WebSocket(json.url);
  socket = ws;
  ws.onopen = () => { retry = 0; setStatus('syncing…'); ws.send(JSON.stringify({ action: 'sync' })); };
  ws.onmessage = (m) => {
    const message = JSON.parse(m.data);
    if (message.action === 'synced') { setStatus('connected (' + message.sent + ' caught up)'); return; }
    if (message.action) return;
    show(message);
    ws.send(JSON.stringify({ action: 'ack', event_ids: [message.event_id] }));
    void refreshState();
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    setStatus('disconnected; reconnecting');
    setTimeout(connect, Math.min(10000, 500 * 2 ** retry++));
  };
  void refreshState();
}
async function act(path, body) {
  const answer = await call('POST', path, body);
  $('answer').textContent = path + ' → ' + answer.status + '\\n' + JSON.stringify(answer.json, null, 2);
}
const pick = (items) => items[Math.floor(Math.random() * items.length)];
$('connect').onclick = connect;
// Every spin of this page pays, so each press shows a REWARD and its FEEDBACK.
$('spin').onclick = () => act('/game/slot-spin', { user_id: user(), bet_amount: 50, payout: 500,
  symbols: ['7', '7', '7'], game_id: 'neon-slots' });
$('gacha').onclick = () => act('/game/gacha-open', { user_id: user(), gacha_id: 'neon-capsule', cost: 600,
  items: [{ item_id: 'hoverboard', rarity: pick(['common', 'rare', 'epic', 'legendary']) }] });
$('earn').onclick = () => act('/game/cyber-token-earn', { user_id: user(), amount: 100, reason: 'player page' });
$('spend').onclick = () => act('/game/cyber-token-spend', { user_id: user(), amount: 50, reason: 'player page' });
connect();
</script>
</body></html>
`;
}
