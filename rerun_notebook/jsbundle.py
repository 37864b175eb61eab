"""One ES module for anywidget from the small modules in `js/src/` (no node toolchain needed).

anywidget loads a single module from a string, so the sources' relative imports cannot resolve
in the browser. The sources are ordinary ES modules (node imports them in tests); the bundle is
their concatenation with the `./*.js` imports dropped. Top-level names must be unique across files;
`bundle()` checks that rather than renaming.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

SRC = Path(__file__).parent / "js" / "src"
_LOCAL_IMPORT = re.compile(r'^import \{[^}]*\} from "\./[\w.]+\.js";\n', re.M)
_TOP_NAME = re.compile(r"^export (?:async )?(?:function|const|let|class) (\w+)", re.M)


def sources() -> list[Path]:
    """Every source module, `main.js` (with the default export) last."""
    files = sorted(p for p in SRC.glob("*.js") if p.name != "main.js")
    return [*files, SRC / "main.js"]


@functools.cache
def bundle() -> str:
    """The widget's ES module text."""
    parts: list[str] = []
    owner: dict[str, str] = {}
    for path in sources():
        text = path.read_text(encoding="utf-8")
        for name in _TOP_NAME.findall(text):
            if name in owner:
                raise ValueError(f"{name} is defined in both {owner[name]} and {path.name}")
            owner[name] = path.name
        parts.append(f"// ---- {path.name} ----\n" + _LOCAL_IMPORT.sub("", text))
    return "\n".join(parts)
