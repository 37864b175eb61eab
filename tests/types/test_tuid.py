import numpy as np

from rerun_core.types import Tuid, new_tuid, new_tuids


def test_tuids_increase_and_round_trip() -> None:
    a, b = new_tuid(), new_tuid()
    assert b > a
    assert Tuid.from_bytes(a.to_bytes()) == a
    assert Tuid.parse(f"chunk_{a}") == a


def test_string_form_matches_rerun() -> None:
    t = Tuid(0x18E9F6501426DBBC, 0x7092923C9946425A)
    assert str(t) == "18E9F6501426DBBC7092923c9946425a"


def test_block_is_consecutive_and_after_previous() -> None:
    before = new_tuid()
    block = new_tuids(1000)
    assert (int(block[0]["time_ns"]), int(block[0]["inc"])) > (before.time_ns, before.inc)
    assert np.all(np.diff(block["inc"].astype(np.uint64)) == 1)
    after = new_tuid()
    assert (after.time_ns, after.inc) > (int(block[-1]["time_ns"]), int(block[-1]["inc"]))
