"""The notebook widget: an anywidget remote framebuffer fed by the kernel-side renderer.

`Viewer` (the widget) lives in `rerun_notebook.widget`; the public, rerun-sdk-shaped API is
`rerun.notebook.Viewer`, which wraps it and wires recordings into shared stores.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Viewer"]


def __getattr__(name: str) -> Any:
    if name == "Viewer":  # lazy: importing the package must not pull in anywidget by itself
        from .widget import Viewer

        return Viewer
    raise AttributeError(name)
