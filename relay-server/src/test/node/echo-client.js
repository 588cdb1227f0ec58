// A foreign client against relay's /echo: Node's `ws` (found through RELAY_NODE_MODULES, installed by .ci/run).
// Usage: node echo-client.js ws://127.0.0.1:PORT/echo
// Prints "ok <step>" per step and "done" at the end; exits 1 with "FAIL <why>" on the first surprise.
'use strict';
const path = require('path');
const assert = require('assert');
const WebSocket = require(path.join(process.env.RELAY_NODE_MODULES || '', 'ws'));

const url = process.argv[2];
const MIB = 1 << 20;
const deadline = setTimeout(() => fail('timed out'), 25000);

function fail(why) {
  console.log('FAIL ' + why);
  process.exit(1);
}

/** Opens a connection that queues every event, so each step can await the next one. */
function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { maxPayload: 2 * MIB });
    const events = [];
    const waiters = [];
    const push = (e) => (waiters.length ? waiters.shift()(e) : events.push(e));
    ws.on('message', (data, isBinary) => push({ type: isBinary ? 'binary' : 'text', data }));
    ws.on('pong', (data) => push({ type: 'pong', data }));
    ws.on('close', (code, reason) => push({ type: 'close', code, reason: reason.toString() }));
    ws.on('error', (err) => push({ type: 'error', err }));
    ws.next = () => new Promise((res) => (events.length ? res(events.shift()) : waiters.push(res)));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function pattern(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

async function expectMessage(ws, type, expected, step) {
  const e = await ws.next();
  assert.strictEqual(e.type, type, step + ': got ' + e.type);
  assert.ok(Buffer.from(expected).equals(e.data), step + ': payload differs');
  console.log('ok ' + step);
}

async function main() {
  const ws = await open();

  ws.send('hello κόσμε 𝄞');
  await expectMessage(ws, 'text', Buffer.from('hello κόσμε 𝄞'), 'text');

  ws.send(pattern(256));
  await expectMessage(ws, 'binary', pattern(256), 'binary');

  ws.send(pattern(MIB));
  await expectMessage(ws, 'binary', pattern(MIB), 'binary 1 MiB');

  const big = 'x'.repeat(MIB);
  ws.send(big);
  await expectMessage(ws, 'text', Buffer.from(big), 'text 1 MiB');

  // RFC 6455 5.4: one message in three frames (ws sends continuation frames after the first)
  ws.send('frag-', { fin: false });
  ws.send('ment', { fin: false });
  ws.send('ed', { fin: true });
  await expectMessage(ws, 'text', Buffer.from('frag-mented'), 'fragmented text');

  ws.send(pattern(70000).subarray(0, 30000), { binary: true, fin: false });
  ws.send(pattern(70000).subarray(30000), { binary: true, fin: true });
  await expectMessage(ws, 'binary', pattern(70000), 'fragmented binary');

  ws.ping(Buffer.from('are you there'));
  const pong = await ws.next();
  assert.strictEqual(pong.type, 'pong');
  assert.strictEqual(pong.data.toString(), 'are you there');
  console.log('ok ping/pong');

  ws.close(1000, 'done');
  const closed = await ws.next();
  assert.strictEqual(closed.type, 'close');
  assert.strictEqual(closed.code, 1000);
  assert.strictEqual(closed.reason, 'done');
  console.log('ok clean close');

  // One byte over the server's 1 MiB limit: refused with 1009 before the server buffers it.
  const tooBig = await open();
  tooBig.send(Buffer.alloc(MIB + 1));
  let e = await tooBig.next();
  while (e.type === 'error') e = await tooBig.next();
  assert.strictEqual(e.type, 'close', 'expected a close, got ' + e.type);
  assert.strictEqual(e.code, 1009);
  console.log('ok 1009 over the limit');

  clearTimeout(deadline);
  console.log('done');
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
