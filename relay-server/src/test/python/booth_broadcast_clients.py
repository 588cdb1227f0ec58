"""Clients written the way the seeds' own clients are: Python `websockets`, as seed 000's booth and scanner
examples and seed 002's test_websocket_relay.py use it, against relay.

Usage: python3 booth_broadcast_clients.py booth|broadcast ws://127.0.0.1:PORT
Prints "ok <step>" per step and "done"; exits 1 with "FAIL <why>" on the first surprise.
"""
import asyncio
import datetime
import json
import sys

import websockets

TIMEOUT = 10


def fail(why):
    print("FAIL " + why, flush=True)
    sys.exit(1)


def ok(step):
    print("ok " + step, flush=True)


async def receive(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


def expect(received, **fields):
    for key, value in fields.items():
        if received.get(key) != value:
            fail(f"expected {key}={value!r} in {received!r}")
    if "timestamp" in received:
        # the seed clients' own parser must read relay's timestamps
        datetime.datetime.fromisoformat(received["timestamp"])
    return received


async def booth(base):
    # Seed 000's README: booth and scanner connect to the bare server address.
    async with websockets.connect(base) as booth_ws:
        await booth_ws.send(json.dumps({"type": "register_booth", "booth_id": "booth_001"}))
        expect(await receive(booth_ws), type="registration_success", booth_id="booth_001")
        ok("booth registered")
        async with websockets.connect(base) as scanner:
            await scanner.send(json.dumps({"type": "connect_scanner", "booth_id": "booth_001"}))
            expect(await receive(booth_ws), type="scanner_connected", booth_id="booth_001")
            expect(await receive(scanner), type="connection_success", booth_id="booth_001")
            ok("scanner connected")
            data = {"message": "Hello from booth!", "status": "ready"}
            await booth_ws.send(json.dumps({"type": "relay_message", "data": data}))
            expect(await receive(scanner), type="message_from_booth", data=data, original_type="relay_message",
                   booth_id="booth_001")
            ok("booth to scanner")
            data = {"message": "Hello from scanner!", "action": "start_scan"}
            await scanner.send(json.dumps({"type": "relay_message", "data": data}))
            expect(await receive(booth_ws), type="message_from_scanner", data=data, original_type="relay_message")
            ok("scanner to booth")
            await scanner.send(json.dumps({"type": "ping"}))
            expect(await receive(scanner), type="pong")
            ok("ping")
            await scanner.send("not json")
            expect(await receive(scanner), type="error", message="Invalid JSON message")
            ok("error")
        expect(await receive(booth_ws), type="scanner_disconnected", booth_id="booth_001")
        ok("scanner disconnected")


async def broadcast(base):
    # Seed 002's test client: JSON messages with a type, to /ws/relay/, echoed to every member.
    async with websockets.connect(base + "/ws/relay/") as one, websockets.connect(base + "/ws/holds/") as two:
        # Both are members as soon as their handshakes have completed: no wait needed before sending.
        message = json.dumps({"type": "message", "text": "Hello from client1",
                              "timestamp": datetime.datetime.now().isoformat()})
        await one.send(message)
        for ws in (one, two):
            text = await asyncio.wait_for(ws.recv(), TIMEOUT)
            if text != message:
                fail(f"not verbatim: {text!r}")
        ok("broadcast to every member, sender included")
        await two.send(b"\x00\x01binary")
        for ws in (one, two):
            data = await asyncio.wait_for(ws.recv(), TIMEOUT)
            if data != b"\x00\x01binary":
                fail(f"binary changed: {data!r}")
        ok("binary")


async def main():
    command, base = sys.argv[1], sys.argv[2].rstrip("/")
    await {"booth": booth, "broadcast": broadcast}[command](base)
    print("done", flush=True)


asyncio.run(main())
