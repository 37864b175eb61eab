"""Entity path escaping and parsing, checked against what rerun-sdk 0.41 does."""

from __future__ import annotations

import json

import pytest

from rerun_core.types import EntityPath, normalize_entity_path, parse_entity_path
from rerun_core.types.entity_path import escape_part

# (part, escaped) as printed by the real `rr.escape_entity_path_part` (0.41).
ESCAPES = [
    ("a b", "a\\ b"),
    ("héllo", "héllo"),
    ("a/b", "a\\/b"),
    ("x!y", "x\\!y"),
    ("tab\tx", "tab\\tx"),
    ("nl\nx", "nl\\nx"),
    ("a\rb", "a\\rb"),
    ("back\\slash", "back\\\\slash"),
    ("émoji😀", "émoji\\u{1F600}"),
    ("a:b", "a\\:b"),
    ("-_.", "-_."),
    ("{}", "\\{\\}"),
    ("\x01", "\\u{0001}"),
    ("\0", "\\u{0000}"),
    ("\x7f", "\\u{007F}"),
    ("\u00a0", "\\u{00A0}"),
    ("\u2014", "\\u{2014}"),
    ("中文", "中文"),
    ("½²", "½²"),
    ("", ""),
]

# (string given to rr.log, the entity path the real SDK stores).
PARSES = [
    ("a b/c", "/a\\ b/c"),
    ("/a//b/", "/a/b"),
    ("a\\ b", "/a\\ b"),
    ("a/\\u{1f600}x", "/a/\\u{1F600}x"),
    ("a\\qb", "/aqb"),
    ("a\\0b", "/a0b"),
    ("a\\", "/a\\\\"),
    ("/", "/"),
    ("", "/"),
    ("world/42/my\\ image\\!", "/world/42/my\\ image\\!"),
    ("a/./b/..", "/a/./b/.."),
    ("a\\/b", "/a\\/b"),
    ("a:b", "/a\\:b"),
    ("a\\u{41}", "/aA"),
    ("😀", "/\\u{1F600}"),
    ("a\\u{zz}b", "/a\\\\u\\{zz\\}b"),
    ("a\\u{41", "/a\\\\u\\{41"),
    ("a\\u41", "/a\\\\u41"),
    ("a\\u{D800}", "/a\\\\u\\{D800\\}"),
    ("a\\u{110000}", "/a\\\\u\\{110000\\}"),
    (" a ", "/\\ a\\ "),
]


@pytest.mark.parametrize(("part", "escaped"), ESCAPES)
def test_escape_part_matches_rerun(part: str, escaped: str) -> None:
    assert escape_part(part) == escaped
    assert parse_entity_path(escaped) == ((part,) if part else ())


@pytest.mark.parametrize(("given", "stored"), PARSES)
def test_forgiving_parse_matches_rerun(given: str, stored: str) -> None:
    assert normalize_entity_path(given) == stored
    assert EntityPath(given).path == stored


def test_every_ascii_char_round_trips() -> None:
    for cp in range(128):
        part = f"x{chr(cp)}y"
        assert parse_entity_path("/" + escape_part(part)) == (part,)


def test_path_from_parts_escapes_slashes() -> None:
    path = EntityPath(["world", "42", "my image!", "a/b"])
    assert path.path == "/world/42/my\\ image\\!/a\\/b"
    assert path.parts == ("world", "42", "my image!", "a/b")
    assert EntityPath(path.path) == path
    assert EntityPath(["a", "", "b"]) == EntityPath("/a//b") == EntityPath("/a/b")
    assert EntityPath([""]).is_root()


def test_hierarchy_helpers() -> None:
    arm = EntityPath("/world/robot/arm")
    assert arm.parent() == EntityPath("world/robot")
    assert arm.is_descendant_of(EntityPath("/world"))
    assert not arm.is_descendant_of(arm)
    assert arm.starts_with(arm)
    assert EntityPath("/").is_root() and EntityPath.root().parent() is None


@pytest.mark.interop
def test_escape_and_parse_against_oracle(oracle, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Log to tricky paths with the real SDK and compare the stored paths with ours."""
    given = [g for g, _ in PARSES if g] + ["x y z/ü ü", "a\\tb\\nc", "\\u{1F600}\\u{41}"]
    parts = [p for p, _ in ESCAPES]
    script = """
        import json, sys
        import rerun as rr
        from rerun.chunk import RrdReader
        given, parts, out = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
        rec = rr.RecordingStream("ep", recording_id="r")
        rec.save(out + ".rrd")
        for i, path in enumerate(given):
            rec.log(path, rr.AnyValues(idx=[i]), static=True)
        rec.flush()
        del rec
        seen = {}
        for ch in RrdReader(out + ".rrd").stream():
            rb = ch.to_record_batch()
            for name in rb.schema.names:
                if name.endswith("idx"):
                    for v in rb.column(rb.schema.get_field_index(name)).to_pylist():
                        seen[v[0]] = rb.schema.metadata[b"rerun:entity_path"].decode()
        esc = [rr.escape_entity_path_part(p) for p in parts]
        json.dump({"paths": [seen[i] for i in range(len(given))], "escaped": esc}, open(out, "w"))
    """
    out = tmp_path / "out.json"
    oracle.run_script(script, json.dumps(given), json.dumps(parts), str(out))
    real = json.loads(out.read_text())
    assert [normalize_entity_path(g) for g in given] == real["paths"]
    assert [escape_part(p) for p in parts] == real["escaped"]


def test_escape_parse_round_trip_any_text() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.text(min_size=1, max_size=12), max_size=4))
    def check(parts: list[str]) -> None:
        path = EntityPath(parts)
        assert path.parts == tuple(parts)
        assert parse_entity_path(path.path) == tuple(parts)
        assert EntityPath(path.path) == path

    check()
