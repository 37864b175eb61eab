#!/usr/bin/env python3
"""Regenerate rerun_core/proto/gen/ from rerun_core/proto/defs/ with grpcio-tools.

Outputs one flat package: ``<name>_pb2.py`` for every .proto and ``<name>_pb2_grpc.py`` for those
with services. protoc writes absolute imports (``from rerun.v1alpha1 import common_pb2``), which
would collide with our ``rerun`` package, so they are rewritten to be package-relative. The
gencode/runtime version gates are removed: the modules only use the serialized-descriptor
builder API, which every supported protobuf/grpcio release has.

    python scripts/gen_proto.py           # regenerate in place
    python scripts/gen_proto.py --check   # exit 1 if gen/ is stale (ignores tool version stamps)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFS = ROOT / "rerun_core" / "proto" / "defs"
GEN = ROOT / "rerun_core" / "proto" / "gen"
PROTO_SUBDIR = "rerun/v1alpha1"

_GEN_INIT = '"""Generated protobuf + gRPC modules. Do not edit: run scripts/gen_proto.py."""\n'

# Lines that only record which protoc produced a file.
_VERSION_STAMP = re.compile(r"^# Protobuf Python Version:")
_PB2_GATE = re.compile(
    r"^from google\.protobuf import runtime_version as _runtime_version\n|"
    r"^_runtime_version\.ValidateProtobufRuntimeVersion\(\n(?:.*\n)*?\)\n",
    re.M,
)
_GRPC_GATE = re.compile(r"^GRPC_GENERATED_VERSION = .*?\n(?:.*\n)*?    \)\n", re.M)


def _fix(text: str) -> str:
    text = re.sub(r"^from rerun\.v1alpha1 import (\w+)", r"from . import \1", text, flags=re.M)
    text = re.sub(r"'rerun\.v1alpha1\.(\w+)'", r"'rerun_core.proto.gen.\1'", text)
    return _GRPC_GATE.sub("", _PB2_GATE.sub("", text))


def generate(out_dir: Path) -> dict[str, str]:
    """Run protoc into ``out_dir``; return ``{file name: fixed text}``."""
    import grpc_tools
    from grpc_tools import protoc

    include = Path(grpc_tools.__file__).parent / "_proto"
    protos = sorted((DEFS / PROTO_SUBDIR).glob("*.proto"))
    args = [
        "protoc",
        f"-I{DEFS}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *(str(p.relative_to(DEFS)) for p in protos),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    files = {"__init__.py": _GEN_INIT}
    for path in sorted((out_dir / PROTO_SUBDIR).glob("*.py")):
        text = path.read_text()
        if path.name.endswith("_grpc.py") and "class " not in text:
            continue  # protoc writes an empty grpc module for files without services
        files[path.name] = _fix(text)
    return files


def _normalize(text: str) -> list[str]:
    return [line for line in text.splitlines() if not _VERSION_STAMP.search(line)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that gen/ is current")
    opts = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp))
    if opts.check:
        existing = {p.name for p in GEN.glob("*.py")}
        stale = sorted(existing ^ set(files))
        for name, text in files.items():
            path = GEN / name
            if path.exists() and _normalize(path.read_text()) != _normalize(text):
                stale.append(name)
        if stale:
            print(f"stale generated files (run scripts/gen_proto.py): {', '.join(stale)}")
            return 1
        print("rerun_core/proto/gen is current")
        return 0
    GEN.mkdir(parents=True, exist_ok=True)
    for path in GEN.glob("*.py"):
        if path.name not in files:
            path.unlink()
    for name, text in files.items():
        (GEN / name).write_text(text)
    print(f"wrote {len(files)} files to {GEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
