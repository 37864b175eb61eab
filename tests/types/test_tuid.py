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


def test_increment_steps_by_one_like_rerun() -> None:
    """Rerun bumps the increment by one per id (random start, top bit clear)."""
    a, b = new_tuid(), new_tuid()
    assert b.inc == a.inc + 1
    assert b.time_ns >= a.time_ns
    assert a.inc < 2**63 + 10**9


def test_byte_layout_is_big_endian_time_first() -> None:
    t = Tuid(0x18E9F6876F37935F, 0x0DF1454D3A0E9324)
    assert t.to_bytes().hex() == "18e9f6876f37935f0df1454d3a0e9324"
    assert Tuid.parse("row_18E9F6876F37935F0df1454d3a0e9324") == t
    block = new_tuids(3)
    raw = block.tobytes()
    assert Tuid.from_bytes(raw[16:32]) == Tuid(int(block[1]["time_ns"]), int(block[1]["inc"]))


def test_pinned_ids_sort_by_their_reserved_time() -> None:
    """A worker making ids at a time its parent reserved: parts sort in the order of their
    reserved times, and the parent's later ids come after all of them."""
    from rerun_core.types.tuid import TuidGenerator

    parent, worker = TuidGenerator(), TuidGenerator()
    first, second = parent.reserve_time(), parent.reserve_time()
    assert second > first
    worker.pin(second)
    late_part = [worker.new() for _ in range(3)]
    worker.pin(first)
    early_part = [worker.new(), *[Tuid(int(r["time_ns"]), int(r["inc"])) for r in worker.new_block(2)]]
    worker.pin(None)
    assert all(t.time_ns == first for t in early_part) and all(t.time_ns == second for t in late_part)
    assert early_part == sorted(early_part) and late_part == sorted(late_part)
    assert max(early_part) < min(late_part) < max(late_part) < parent.new()
    assert worker.new().time_ns > second  # unpinned: the wall clock again
