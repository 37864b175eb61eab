"""Run every redap probe case against a server and print/record the outcomes.

``python -m tests.interop.redap_observe --real OUT.json`` starts the real 0.41 ``rerun server``
over freshly written data and records the outcomes (the table of docs/redap-observed.md is
rendered from that JSON with ``--markdown``). ``--ours`` does the same with our server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.catalog.catalog_data import free_port, server_process
from tests.interop.redap_cases import Case, Ctx, all_cases
from tests.interop.redap_data import Data, build_data
from tests.interop.redap_probe import Normaliser, Outcome, Probe

ROOT = Path(__file__).resolve().parents[2]
REAL_RERUN = ROOT / ".venv-oracle" / "bin" / "rerun"
OUR_RERUN = ROOT / ".venv" / "bin" / "rerun"


def run_case(ctx: Ctx, case: Case) -> Outcome:
    """One case; a failing setup step is an outcome too (code SETUP_ERROR), never an exception."""
    try:
        return case.run(ctx)
    except Exception as exc:  # the harness records, the test decides
        return Outcome("SETUP_ERROR", ctx.probe.norm.text(f"{type(exc).__name__}: {exc}"))


@contextlib.contextmanager
def serve(binary: Path, data: Data, env: dict[str, str] | None = None) -> Iterator[str]:
    """``rerun server`` (real or ours) serving ``mydata`` from ``data.ds`` on 127.0.0.1."""
    port = free_port()
    cmd = [str(binary), "server", "--host", "127.0.0.1", "-p", str(port), "-d", f"mydata={data.ds}"]
    with server_process(cmd, port, env=env):
        yield f"rerun+http://127.0.0.1:{port}"


def oracle_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PATH"] = f"{REAL_RERUN.parent}:{env.get('PATH', '')}"
    for k in ("PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(k, None)
    env["RERUN_ANALYTICS"] = "0"
    return env


def observe(binary: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="redap_") as tmp:
        data = build_data(Path(tmp))
        with serve(binary, data, env) as url:
            probe = Probe(url, Normaliser(str(data.root)))
            ctx = Ctx(probe, data)
            results: dict[str, Any] = {}
            for case in all_cases():
                t0 = time.monotonic()
                out = run_case(ctx, case)
                results[case.id] = {
                    "rpc": case.rpc,
                    "case": case.name,
                    **out.to_json(),
                    "seconds": round(time.monotonic() - t0, 3),
                }
            probe.close()
    return results


def _cell(v: Any, limit: int = 700) -> str:
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    s = s.replace("|", "\\|").replace("\n", " ").replace("\x00", "\\0")
    return s[:limit] + ("…" if len(s) > limit else "")


def markdown(results: dict[str, Any]) -> str:
    lines = ["| RPC | case | status | message | answer (normalised) | notes |", "|---|---|---|---|---|---|"]
    for r in results.values():
        lines.append(
            f"| {r['rpc']} | {_cell(r['case'], 80)} | {r['code']} | {_cell(r['message'], 300)} | "
            f"{_cell(r['answer']) if r['answer'] is not None else ''} | {_cell('; '.join(r['notes']), 400)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path, help="JSON file to write (or read, with --markdown)")
    who = ap.add_mutually_exclusive_group()
    who.add_argument("--real", action="store_true")
    who.add_argument("--ours", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="print the markdown table of OUT")
    args = ap.parse_args(argv)
    if args.markdown:
        sys.stdout.write(markdown(json.loads(args.out.read_text())))
        return 0
    results = observe(OUR_RERUN) if args.ours else observe(REAL_RERUN, oracle_env())
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
