"""Logs every archetype case to an .rrd (static rows; columns with a sequence index).

Usage: python _log_cases.py CASES_FILE OUT.rrd — runs unchanged under ours and the oracle.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np

import rerun as rr


def main() -> None:
    ns: dict[str, Any] = {}
    with open(sys.argv[1]) as f:
        exec(f.read(), {"__name__": "cases"}, ns)
    rr.init("archetype_cases", recording_id="archetype-cases")
    rr.save(sys.argv[2])
    for name, expr in ns["CASES"].items():
        if name.startswith("any_values") or name.startswith("dynamic"):
            continue  # type registry state makes these order dependent; covered by the batch test
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            value = eval(expr, {"rr": rr, "np": np})
        path = "cases/" + name.replace(".", "_")
        if name.endswith(".columns"):
            n = max(len(c.as_arrow_array()) for c in value)
            rr.send_columns(path, indexes=[rr.TimeColumn("row", sequence=np.arange(n))], columns=value)
        else:
            rr.log(path, value, static=True)
    rr.disconnect()


if __name__ == "__main__":
    main()
