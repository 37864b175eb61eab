"""Undo and redo of a recording's blueprint keep its blueprint id, as 0.41's do: what `set_blueprint`
answers as `blueprint_id` before and after, and what `get_blueprint` shows, against the real 0.41
headless viewer."""

from __future__ import annotations

from typing import Any

import pytest

from ._scripts import on_both
from .conftest import Headless

pytestmark = [pytest.mark.slow, pytest.mark.interop]

IDS = """
[store_id] = client.open(path).store_ids
ids, names = [], []

def write(name):
    blueprint = client.get_blueprint().blueprint
    [view] = [p for p in blueprint if p.startswith("/view/") and "ViewBlueprint" in blueprint[p]]
    blueprint[view]["ViewBlueprint"]["display_name"] = name
    ids.append(client.set_blueprint(blueprint, store_id=store_id).blueprint_id)

def seen():
    time.sleep(0.3)
    blueprint = client.get_blueprint().blueprint
    names.append([a["ViewBlueprint"].get("display_name") for a in blueprint.values() if "ViewBlueprint" in a])

write("first")
seen()
write("second")
seen()
for command in ["recording.undo_blueprint_edit", "recording.redo_blueprint_edit", "recording.undo_blueprint_edit"]:
    client.run_command(command)
    seen()
write("third")
seen()
print(json.dumps({"same_id": [i == ids[0] for i in ids], "kind": [i.split(":")[0] for i in ids], "names": names}))
"""


def test_undo_keeps_the_blueprint_id(headless: Headless, oracle: Any) -> None:
    ours, theirs = on_both(oracle, headless.port, IDS, headless.rrd)
    assert ours == theirs
    assert ours["names"] == [["first"], ["second"], ["first"], ["second"], ["first"], ["third"]]
