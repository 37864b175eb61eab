"""`rerun server --allowed-root DIR`: registration reads only under the allowed roots.

Without the option anything the server can open may be registered (the real server's rule);
with it, a path outside every root (symlinks resolved first) is refused with PERMISSION_DENIED
naming the path, and no error ever quotes a file's bytes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rerun.catalog import CatalogClient
from rerun_core.server.catalog import CatalogServer

from .catalog_data import free_port, make_dataset_dir, write_segment

SECRET = b"TOP-SECRET-CONTENTS-1234567890"


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    allowed = make_dataset_dir(tmp_path / "allowed")
    outside = tmp_path / "outside"
    outside.mkdir()
    write_segment(outside / "secret.rrd", "secret_seg", 9.0)
    (outside / "notes.rrd").write_bytes(SECRET * 10)
    (allowed / "link.rrd").symlink_to(outside / "secret.rrd")  # a symlink out of the root
    (allowed / "garbage.rrd").write_bytes(SECRET * 10)
    return {"allowed": allowed, "outside": outside}


@pytest.fixture
def client(layout: dict[str, Path]) -> Iterator[CatalogClient]:
    srv = CatalogServer(port=0)
    srv.catalog.allowed_roots = (layout["allowed"].resolve(),)
    srv.start()
    try:
        yield CatalogClient(srv.url)
    finally:
        srv.stop()


def _denied(exc: BaseException, path: Path) -> None:
    text = str(exc)
    assert "(PermissionDenied)" in text, text  # the status code, as 0.41 words it
    assert str(path) in text
    assert SECRET.decode() not in text and "secret_seg" not in text


def test_a_file_inside_the_root_registers(client: CatalogClient, layout: dict[str, Path]) -> None:
    ds = client.create_dataset("inside")
    ds.register([(layout["allowed"] / "seg0.rrd").as_uri()]).wait()
    assert ds.segment_ids() == ["seg0"]


def test_a_file_outside_every_root_is_refused(client: CatalogClient, layout: dict[str, Path]) -> None:
    ds = client.create_dataset("outside")
    for name in ("secret.rrd", "notes.rrd", "missing.rrd"):  # existing or not: the same answer
        with pytest.raises(RuntimeError) as info:
            ds.register([(layout["outside"] / name).as_uri()]).wait()
        _denied(info.value, layout["outside"] / name)
    assert ds.segment_ids() == []


def test_a_symlink_out_of_the_root_is_refused(client: CatalogClient, layout: dict[str, Path]) -> None:
    ds = client.create_dataset("symlink")
    with pytest.raises(RuntimeError) as info:
        ds.register([(layout["allowed"] / "link.rrd").as_uri()]).wait()
    _denied(info.value, layout["allowed"] / "link.rrd")
    dots = layout["allowed"] / ".." / "outside" / "secret.rrd"  # `..` is resolved too
    with pytest.raises(RuntimeError) as info:
        ds.register([dots.as_uri()]).wait()
    assert "(PermissionDenied)" in str(info.value)


def test_prefix_registration_is_checked(client: CatalogClient, layout: dict[str, Path]) -> None:
    ds = client.create_dataset("prefix")
    with pytest.raises(RuntimeError) as info:
        ds.register_prefix(layout["outside"].as_uri()).wait()
    _denied(info.value, layout["outside"])
    # Inside the root, a prefix holding a symlink out of it is refused as a whole, by that file.
    with pytest.raises(RuntimeError) as info:
        ds.register_prefix(layout["allowed"].as_uri()).wait()
    _denied(info.value, layout["allowed"] / "link.rrd")
    assert ds.segment_ids() == []


def test_a_non_rrd_file_inside_the_root_is_named_never_quoted(
    client: CatalogClient, layout: dict[str, Path]
) -> None:
    ds = client.create_dataset("garbage")
    with pytest.raises(ValueError) as info:
        ds.register([(layout["allowed"] / "garbage.rrd").as_uri()]).wait()
    assert "garbage.rrd" in str(info.value)
    assert "TOP-SECRET" not in str(info.value)


def test_without_allowed_roots_anything_readable_registers(layout: dict[str, Path]) -> None:
    srv = CatalogServer(port=0).start()  # the real server's rule
    try:
        ds = CatalogClient(srv.url).create_dataset("anything")
        ds.register([(layout["outside"] / "secret.rrd").as_uri()]).wait()
        assert ds.segment_ids() == ["secret_seg"]
    finally:
        srv.stop()


def _server_cli(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "rerun", "server", "-p", str(free_port()), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_cli_refuses_dataset_and_data_dirs_outside_the_roots(layout: dict[str, Path], tmp_path: Path) -> None:
    root = str(layout["allowed"])
    out = _server_cli("--allowed-root", root, "-d", f"x={layout['outside']}")
    assert out.returncode != 0
    assert "PERMISSION_DENIED" in out.stderr and str(layout["outside"]) in out.stderr
    out = _server_cli("--allowed-root", root, "--data-dir", str(tmp_path / "state"))
    assert out.returncode != 0
    assert "PERMISSION_DENIED" in out.stderr and str(tmp_path / "state") in out.stderr
