"""pandas kept off a fresh viewer's first frame: pyarrow converts the same without it, code that
imports pandas gets it, and after the release pyarrow handles pandas objects as always."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("pandas")


def _run(code: str, **env: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


_CONVERT = (
    "import sys, numpy as np, pyarrow as pa, pyarrow.compute as pc\n"
    "from rerun_core import pandas_defer\n"
    "pandas_defer.defer()\n"
    "a = pa.array([1, None, 3], pa.int64())\n"
    "got = [a.to_numpy(zero_copy_only=False).tolist(), pc.is_valid(a).to_numpy(zero_copy_only=False).tolist(),\n"
    "       a.fill_null(0).to_pylist(), pa.array(np.arange(3)).to_pylist(), pa.scalar(5).as_py(),\n"
    "       pa.array(np.array(['2020-01-01T00:00:00.000000001'], 'datetime64[ns]')).cast(pa.int64()).to_pylist()]\n"
    "print(repr(str(got)).replace(' ', ''), 'pandas' in sys.modules, pandas_defer.deferring())\n"
)


def test_conversions_do_not_import_pandas_and_give_the_same() -> None:
    deferred = _run(_CONVERT)
    plain = _run(_CONVERT, RERUN_DEFER_PANDAS="0")
    assert deferred[1:] == ["False", "True"]
    assert plain[1:] == ["True", "False"]
    assert deferred[0] == plain[0]


def test_release_gives_pyarrow_pandas_back() -> None:
    code = (
        "import sys, time, pyarrow as pa\n"
        "from rerun_core import pandas_defer\n"
        "pandas_defer.defer()\n"
        "pa.array([1, 2]).to_numpy()\n"  # pyarrow has looked for pandas and not found it
        "pandas_defer.release()\n"
        "assert pandas_defer.wait_restored(60)\n"
        "import pandas as pd\n"
        "ns = pa.array([1], pa.timestamp('ns'))[0].as_py()\n"  # pandas' Timestamp again, not datetime
        "print(pa.table(pd.DataFrame({'x': [1, 2]})).num_rows, pa.array(pd.Categorical(['a'])).type.value_type,\n"
        "      pa.chunked_array([[1]]).to_pandas().tolist() == [1], type(ns).__name__, pandas_defer.deferring())\n"
    )
    # a Categorical's value type is pandas' own choice (string before 3.0, large_string since)
    value_type = _run(
        "import pandas as pd, pyarrow as pa; print(pa.array(pd.Categorical(['a'])).type.value_type)"
    )
    assert _run(code) == ["2", value_type[0], "True", "Timestamp", "False"]


def test_an_import_pandas_in_code_works_and_ends_the_deferral() -> None:
    code = (
        "import sys, time, pyarrow as pa\n"
        "from rerun_core import pandas_defer\n"
        "pandas_defer.defer()\n"
        "pa.array([1, 2]).to_numpy()\n"
        "import pandas as pd\n"
        "print(pandas_defer.deferring())\n"
        "assert pandas_defer.wait_restored(60)\n"
        "print(pa.table(pd.DataFrame({'x': [1, 2]})).num_rows)\n"
        "import importlib\n"
        "print(importlib.import_module('pandas') is pd)\n"
    )
    assert _run(code) == ["False", "2", "True"]


def test_nothing_deferred_when_pandas_is_imported_already() -> None:
    code = (
        "import pandas, pyarrow as pa\n"
        "from rerun_core import pandas_defer\n"
        "pandas_defer.defer()\n"
        "print(pandas_defer.deferring())\n"
    )
    assert _run(code) == ["False"]


def test_the_next_ipython_cell_waits_for_pyarrows_pandas() -> None:
    # "Run all": the cell after the viewer's starts at once, while pandas is still importing
    code = (
        "import pyarrow as pa\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from rerun_core import pandas_defer\n"
        "shell = InteractiveShell.instance()\n"
        "pandas_defer.defer()\n"
        "pa.array([1, 2]).to_numpy()\n"
        "pandas_defer.release()\n"
        "shell.run_cell(\"import pyarrow as pa; kind = type(pa.array([1], pa.timestamp('ns'))[0].as_py()).__name__\")\n"
        "shell.run_cell('pass')\n"  # the hook is gone after one cell
        "print(shell.user_ns['kind'], len(shell.events.callbacks['pre_run_cell']))\n"
    )
    out = _run(code)
    assert out[0] == "Timestamp"
    assert out[1] == str(int(out[1]))  # a count: checked against a shell without the hook below
    baseline = _run(
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "print(len(InteractiveShell.instance().events.callbacks['pre_run_cell']))\n"
    )
    assert out[1] == baseline[0]
