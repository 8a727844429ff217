// A subject for the tests of the process form, scripted by its first argument:
//   quiet      answers every request, believes nothing, never trades;
//   mute       never answers an intent (the rest as quiet);
//   hang       answers nothing after its ready line;
//   bad-lines  prints a line that is not the channel's before each answer;
//   durable    writes its intents to state.json in SHAKEDOWN_STATE_DIR, and says in its state
//              (extra.bootFile) what that file held when it started;
//   trader     keeps a connection to the venue (dialling again 20 ms after any loss), and places
//              a limit order for each enter intent, its id as the client order id (held until
//              it is connected; it says it has settled only once connected with nothing held).
// It exits when stdin ends, as a subject must.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';

const mode = process.argv[2] ?? 'quiet';
const out = (value) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const file = join(process.env.SHAKEDOWN_STATE_DIR ?? '.', 'state.json');
let bootFile = null;
try {
  bootFile = readFileSync(file, 'utf8');
} catch {
  // First start: no file yet.
}
const state = { openOrders: {}, positions: {}, cash: null, halted: false };
if (mode === 'durable') state.extra = { bootFile, boot: Number(process.env.SHAKEDOWN_BOOT) };
const intents = [];
let venue;
let nextId = 1;
const waiting = [];
function dial() {
  const socket = new WebSocket(process.env.SHAKEDOWN_VENUE_URL);
  socket.on('error', () => {});
  socket.on('open', () => {
    venue = socket;
    socket.send(JSON.stringify({ id: nextId++, type: 'login', key: process.env.SHAKEDOWN_API_KEY }));
    for (const request of waiting.splice(0)) socket.send(JSON.stringify({ id: nextId++, ...request }));
  });
  socket.on('close', () => {
    if (venue === socket) venue = undefined;
    setTimeout(dial, 20);
  });
}
if (mode === 'trader') dial();
const results = {
  intent: { accepted: true },
  state,
  settled: { settled: true },
  invariants: [],
  consume: {},
  stop: {},
};
out({ ready: true });
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
    const request = JSON.parse(pending.slice(0, i));
    pending = pending.slice(i + 1);
    if (mode === 'hang' || (mode === 'mute' && request.op === 'intent')) continue;
    if (mode === 'bad-lines') out(`not a channel line, answering ${request.op}`);
    if (mode === 'trader' && request.op === 'intent' && request.intent.type === 'enter') {
      const { id, side, qty, price } = request.intent;
      const place = {
        type: 'place',
        symbol: 'SANDBOX.BTC-USD',
        orderType: 'limit',
        side,
        qty,
        price,
        clientOrderId: id,
      };
      if (venue === undefined) waiting.push(place);
      else venue.send(JSON.stringify({ id: nextId++, ...place }));
    }
    if (mode === 'durable' && request.op === 'intent') {
      intents.push(request.intent.id);
      writeFileSync(file, JSON.stringify({ intents }));
    }
    if (mode === 'trader') results.settled = { settled: venue !== undefined && waiting.length === 0 };
    out({ id: request.id, ok: true, result: results[request.op] ?? {} });
    if (request.op === 'stop') process.exit(0);
  }
});
process.stdin.on('end', () => process.exit(0));
