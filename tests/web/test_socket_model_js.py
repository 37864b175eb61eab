"""The page's anywidget stand-in (static/socket_model.js) under node with a fake WebSocket."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from rerun_notebook.web.server import STATIC

NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

SCRIPT = """
import { SocketModel, splitFrame } from 'MOD';
class FakeSocket {
  constructor(url) { this.url = url; this.sent = []; FakeSocket.last = this; }
  send(text) { this.sent.push(text); }
}
const m = new SocketModel('ws://x/ws', FakeSocket);
const seen = [];
m.on('change:_state', () => seen.push(['state', JSON.parse(m.get('_state')).n]));
m.on('msg:custom', (msg, buffers) => seen.push([msg.type, buffers.length ? new Uint8Array(buffers[0]).join(',') : '']));
m.on('status', (s) => seen.push(['status', s]));
m.on('change:_ticks', () => seen.push(['ticks', JSON.parse(m.get('_ticks')).t]));
m.send({ type: 'visible', visible: true });  // before the socket opens: queued
const ws = FakeSocket.last;
const queuedBeforeOpen = ws.sent.length;
ws.onopen();
m.send({ type: 'ack', index: 1 });
ws.onmessage({ data: JSON.stringify({ kind: 'set', name: '_state', value: JSON.stringify({ n: 5 }) }) });
ws.onmessage({ data: JSON.stringify({ kind: 'set', name: '_ticks', value: '{"t":1}' }) });
ws.onmessage({ data: JSON.stringify({ kind: 'msg', content: { type: 'hover' } }) });
const header = new TextEncoder().encode(JSON.stringify({ type: 'frame', index: 2 }));
const packet = new Uint8Array(4 + header.length + 3);
new DataView(packet.buffer).setUint32(0, header.length, true);
packet.set(header, 4);
packet.set([7, 8, 9], 4 + header.length);
ws.onmessage({ data: packet.buffer });
ws.onclose();
m.send({ type: 'ack', index: 2 });  // after close: dropped
console.log(JSON.stringify({ queuedBeforeOpen, sent: ws.sent.map((t) => JSON.parse(t).type), seen,
  css: [m.get('css_width'), m.get('css_height')], binaryType: ws.binaryType,
  split: splitFrame(packet.buffer)[0].index }));
"""


def test_socket_model_queues_dispatches_and_splits_frames() -> None:
    assert NODE is not None
    code = SCRIPT.replace("MOD", (STATIC / "socket_model.js").as_uri())
    out = subprocess.run(
        [NODE, "--input-type=module", "-e", code], capture_output=True, text=True, timeout=30, check=True
    )
    result = json.loads(out.stdout)
    assert result["queuedBeforeOpen"] == 0
    assert result["sent"] == ["visible", "ack"]
    assert result["seen"] == [
        ["status", "open"],
        ["state", 5],
        ["ticks", 1],
        ["hover", ""],
        ["frame", "7,8,9"],
        ["status", "closed"],
    ]
    assert result["css"] == ["100%", "100%"] and result["binaryType"] == "arraybuffer"
    assert result["split"] == 2


def test_page_module_parses() -> None:
    assert NODE is not None
    for name in ("page.js", "socket_model.js"):
        subprocess.run([NODE, "--check", str(STATIC / name)], check=True, timeout=30)
