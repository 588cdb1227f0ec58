// A CarParty game server and its phones as seed 003 describes them, on Node's `ws` (found through
// RELAY_NODE_MODULES, installed by .ci/run), against relay's bare address.
// Usage: node carparty-clients.js ws://127.0.0.1:PORT/
// Prints "ok <step>" per step and "done"; exits 1 with "FAIL <why>" on the first surprise.
'use strict';
const path = require('path');
const assert = require('assert');
const WebSocket = require(path.join(process.env.RELAY_NODE_MODULES || '', 'ws'));

const url = process.argv[2];
const deadline = setTimeout(() => fail('timed out'), 25000);

function fail(why) {
  console.log('FAIL ' + why);
  process.exit(1);
}

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const events = [];
    const waiters = [];
    const push = (e) => (waiters.length ? waiters.shift()(e) : events.push(e));
    ws.on('message', (data, isBinary) => push({ type: isBinary ? 'binary' : 'text', data: data.toString() }));
    ws.on('close', (code, reason) => push({ type: 'close', code, reason: reason.toString() }));
    ws.on('error', (err) => push({ type: 'error', err }));
    ws.next = () => new Promise((res) => (events.length ? res(events.shift()) : waiters.push(res)));
    // The next event, or null after ms (its waiter withdrawn, so no event is lost).
    ws.nextWithin = (ms) => new Promise((res) => {
      if (events.length) return res(events.shift());
      const waiter = (e) => { clearTimeout(timer); res(e); };
      const timer = setTimeout(() => { waiters.splice(waiters.indexOf(waiter), 1); res(null); }, ms);
      waiters.push(waiter);
    });
    ws.json = async () => {
      const e = await ws.next();
      assert.strictEqual(e.type, 'text', JSON.stringify(e));
      return JSON.parse(e.data);
    };
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * Logs a phone in. login_server gets no answer, so a phone that races the game's own login may find the code
 * unknown yet (closed with 1008); it tries again, as a phone whose player retypes the code would.
 */
async function loginClient(game, clientId) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const phone = await open();
    phone.send(JSON.stringify({ action: 'login_client', server_code: 'SNEK', client_id: clientId }));
    for (;;) {
      const connect = await game.nextWithin(50);
      if (connect) {
        assert.deepStrictEqual(JSON.parse(connect.data), { action: 'connect', client_id: clientId });
        return phone;
      }
      const refused = await phone.nextWithin(0);
      if (refused) {
        assert.deepStrictEqual([refused.type, refused.code, refused.reason], ['close', 1008, 'unknown server_code']);
        break;
      }
    }
  }
  fail('the game never logged in');
}

async function main() {
  const game = await open();
  game.send(JSON.stringify({ action: 'login_server', server_code: 'SNEK' }));
  const ann = await loginClient(game, '467123746');
  const bob = await loginClient(game, '1');
  console.log('ok login');

  ann.send(JSON.stringify({ steer: -0.5, client_id: 'forged' }));
  assert.deepStrictEqual(await game.json(), { steer: -0.5, client_id: '467123746' });
  console.log('ok client_id set by the relay');

  const all = JSON.stringify({ state: 'race', lap: 1 });
  game.send(all);
  for (const phone of [ann, bob]) {
    const e = await phone.next();
    assert.strictEqual(e.data, all);
  }
  console.log('ok broadcast');

  const direct = JSON.stringify({ receiver_id: '1', any_json_here: 'dont_care' });
  game.send(direct);
  assert.strictEqual((await bob.next()).data, direct);
  game.send(JSON.stringify({ to: 'everyone' }));
  assert.strictEqual((await ann.next()).data, JSON.stringify({ to: 'everyone' }), 'ann got the direct message');
  assert.strictEqual((await bob.next()).data, JSON.stringify({ to: 'everyone' }));
  console.log('ok receiver_id');

  bob.close();
  assert.deepStrictEqual(await game.json(), { action: 'disconnect', client_id: '1' });
  console.log('ok disconnect');

  const rival = await open();
  rival.send(JSON.stringify({ action: 'login_server', server_code: 'SNEK' }));
  const refused = await rival.next();
  assert.deepStrictEqual([refused.type, refused.code, refused.reason], ['close', 1008, 'server_code in use']);
  console.log('ok server_code in use');

  game.close();
  const gone = await ann.next();
  assert.deepStrictEqual([gone.type, gone.code, gone.reason], ['close', 1001, 'game server disconnected']);
  console.log('ok game server gone');

  clearTimeout(deadline);
  console.log('done');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
