"""Scripts that rerun-sdk 0.41's ViewerClient runs against our viewer and against the real one.

Each script is `CLIENT` (a client on the viewer at port argv[1]: ours, already running, or the real
one it spawns headless from the executable in argv[3]; argv[2] is a recording to open) then a body
in a `try:` whose `finally:` ends a spawned viewer; it prints its result as JSON on its last line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import free_port

CLIENT = """
import json, sys, time
from rerun.experimental import ViewerClient
port, path = int(sys.argv[1]), sys.argv[2]
spawn = len(sys.argv) > 3
client = ViewerClient.spawn(headless=True, port=port, executable_path=sys.argv[3]) if spawn else ViewerClient.connect(
    f"rerun+http://127.0.0.1:{port}/proxy"
)
"""


def script(body: str) -> str:
    """`CLIENT`, then `body` (indented by 4) run before a spawned viewer is ended."""
    indented = "\n".join("    " + line if line.strip() else line for line in body.strip("\n").splitlines())
    return f"{CLIENT}try:\n{indented}\nfinally:\n    if spawn:\n        client.quit()\n"


def on_both(oracle: Any, port: int, body: str, rrd: Path) -> tuple[Any, Any]:
    """What the script printed against our viewer on `port` and against the real one, spawned."""
    code = script(body)
    ours = oracle.run_script(code, str(port), str(rrd)).stdout.strip().splitlines()[-1]
    theirs = oracle.run_script(code, str(free_port()), str(rrd), str(oracle.rerun), timeout=120)
    return json.loads(ours), json.loads(theirs.stdout.strip().splitlines()[-1])
