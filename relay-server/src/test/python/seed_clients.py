#!/usr/bin/python3
"""Plays the seeds' clients against relay as their users did, with Python's `websockets` (an independent
client library, as the originals used).

    seed_clients.py ws://127.0.0.1:8765 signaling   # seed 004: a PC client and an Android peer
    seed_clients.py ws://127.0.0.1:8765 booth       # seed 000: a booth and a scanner (client_examples.py)

Both connect to the server's root URL, as the originals did (no path). Exits 0 when every expected message
arrived, 1 with the reason otherwise. Run by relay.PythonClientsIT.
"""
import asyncio
import json
import sys

import websockets

TIMEOUT = 5


STUDIO_WELCOME = {"message": "Connected to Studio WebSocket Server", "status": "ready"}


async def expect(ws, who, **fields):
    """Receives the next message and checks the given fields; returns the message. Like the originals' clients,
    which dispatch on type, it passes over a studio welcome (sent to a client slower than the idle window)."""
    while True:
        raw = await asyncio.wait_for(ws.recv(), TIMEOUT)
        message = json.loads(raw)
        print(f"{who} < {raw}", flush=True)
        if message != STUDIO_WELCOME:
            break
    for key, value in fields.items():
        if message.get(key) != value:
            raise AssertionError(f"{who}: expected {key}={value!r} in {raw}")
    return message


async def send(ws, who, message):
    text = json.dumps(message)
    print(f"{who} > {text}", flush=True)
    await ws.send(text)


async def signaling(url):
    """Seed 004's sequence diagram: register, peers, offer/answer, ICE, leave."""
    async with websockets.connect(url) as pc:
        await send(pc, "pc", {"type": "register", "client_id": "pc_client_1", "room_id": "default", "client_type": "pc"})
        registered = await expect(pc, "pc", type="registered", client_id="pc_client_1", room_id="default")
        assert registered["peers"] == [], registered
        async with websockets.connect(url) as android:
            await send(android, "android", {"type": "register", "client_id": "android_client_1", "room_id": "default",
                                            "client_type": "android"})
            registered = await expect(android, "android", type="registered", client_id="android_client_1")
            assert registered["peers"] == ["pc_client_1"], registered
            await expect(pc, "pc", type="peer_joined", client_id="android_client_1", client_type="android")

            offer = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
            await send(pc, "pc", {"type": "offer", "target_id": "android_client_1", "sdp": offer})
            got = await expect(android, "android", type="offer", sender_id="pc_client_1", sdp=offer)
            assert "target_id" not in got, got

            answer = {"type": "answer", "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n"}
            await send(android, "android", {"type": "answer", "target_id": "pc_client_1", "sdp": answer})
            await expect(pc, "pc", type="answer", sender_id="android_client_1", sdp=answer)

            candidate = {"candidate": "candidate:1 1 UDP 2122260223 192.168.1.2 54321 typ host", "sdpMid": "0",
                         "sdpMLineIndex": 0}
            await send(pc, "pc", {"type": "ice_candidate", "target_id": "android_client_1", "candidate": candidate})
            await expect(android, "android", type="ice_candidate", sender_id="pc_client_1", candidate=candidate)
            await send(android, "android", {"type": "ice_candidate", "target_id": "pc_client_1", "candidate": candidate})
            await expect(pc, "pc", type="ice_candidate", sender_id="android_client_1", candidate=candidate)

            await send(pc, "pc", {"type": "offer", "target_id": "nobody", "sdp": offer})
            await expect(pc, "pc", type="error", message="Unknown target_id: nobody")
        await expect(pc, "pc", type="peer_left", client_id="android_client_1")


async def booth(url):
    """Seed 000's client_examples.py: `booth booth_001` and `scanner booth_001` in two terminals."""
    async with websockets.connect(url) as booth_ws:
        await send(booth_ws, "booth", {"type": "register_booth", "booth_id": "booth_001"})
        await expect(booth_ws, "booth", type="registration_success", booth_id="booth_001")
        async with websockets.connect(url) as scanner:
            await send(scanner, "scanner", {"type": "connect_scanner", "booth_id": "booth_001"})
            await expect(booth_ws, "booth", type="scanner_connected", booth_id="booth_001")
            await expect(scanner, "scanner", type="connection_success", booth_id="booth_001")

            data = {"message": "Hello from scanner!", "action": "start_scan"}
            await send(scanner, "scanner", {"type": "relay_message", "data": data})
            await expect(booth_ws, "booth", type="message_from_scanner", data=data, original_type="relay_message")

            data = {"message": "Hello from booth!", "status": "ready"}
            await send(booth_ws, "booth", {"type": "relay_message", "data": data})
            await expect(scanner, "scanner", type="message_from_booth", data=data, booth_id="booth_001")

            await send(scanner, "scanner", {"type": "ping"})
            await expect(scanner, "scanner", type="pong")
        await expect(booth_ws, "booth", type="scanner_disconnected", booth_id="booth_001")


def main():
    url, part = sys.argv[1], sys.argv[2]
    try:
        asyncio.run({"signaling": signaling, "booth": booth}[part](url))
    except Exception as e:  # noqa: BLE001 - any failure is reported the same way
        print(f"FAILED: {type(e).__name__}: {e}", flush=True)
        return 1
    print("OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
