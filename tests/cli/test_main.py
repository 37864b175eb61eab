"""The ``rerun`` dispatcher: rrd tools, analytics no-ops, and the viewer flags."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rerun.__main__ import _viewer_parser, main

Cli = Callable[..., tuple[int, str, str]]


def test_viewer_flags_parse_like_the_real_cli() -> None:
    args = _viewer_parser().parse_args(
        ["--serve-grpc", "--port", "9877", "--memory-limit", "75%", "--save", "out.rrd", "a.rrd", "b.rrd"]
    )
    assert args.serve_grpc and args.port == "9877" and args.memory_limit == "75%"
    assert args.save == "out.rrd" and args.url_or_paths == ["a.rrd", "b.rrd"]
    spawn = _viewer_parser().parse_args(
        ["--port=9876", "--memory-limit=75%", "--server-memory-limit=1GiB", "--expect-data-soon"]
    )
    assert spawn.server_memory_limit == "1GiB" and spawn.expect_data_soon
    assert _viewer_parser().parse_args(["--connect"]).connect == ""
    assert _viewer_parser().parse_args(["--connect", "rerun+http://127.0.0.1:9876/proxy"]).connect
    assert _viewer_parser().parse_args([]).connect is None


def test_analytics_commands_are_harmless_noops(cli: Cli) -> None:
    assert cli("analytics", "disable")[0] == 0
    assert cli("analytics", "enable")[0] == 0
    assert cli("analytics", "bogus")[0] == 2


def test_rrd_help_lists_the_tools(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["rrd", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in ("print", "stats", "verify", "compare", "merge", "filter", "optimize"):
        assert name in out


def test_server_subcommand_dispatches_to_the_catalog_module(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import types

    monkeypatch.setitem(sys.modules, "rerun.cli.server", None)  # not built: a clear refusal
    code, _, err = cli("server", "--port", "0")
    assert code == 2 and "not available" in err
    seen: list[list[str]] = []
    fake = types.ModuleType("rerun.cli.server")
    fake.main = lambda argv: seen.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rerun.cli.server", fake)
    assert cli("server", "--port", "0")[0] == 0 and seen == [["--port", "0"]]
