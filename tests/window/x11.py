"""Small X11 helpers for the window tests: find a window by title, ask it to close (WM_DELETE_WINDOW,
what a window manager's close button sends; Xvfb has no window manager), take a screenshot."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
from pathlib import Path


def xdotool(display: str, *args: str) -> str:
    out = subprocess.run(
        ["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True, timeout=20
    )
    return out.stdout.strip()


def find_window(display: str, title: str) -> int | None:
    """The id of a mapped window whose name contains `title` (None when there is none yet)."""
    ids = xdotool(display, "search", "--onlyvisible", "--name", title).split()
    return int(ids[-1]) if ids else None


def window_geometry(display: str, window: int) -> tuple[int, int, int, int]:
    """(x, y, width, height) of `window` on the screen."""
    out = xdotool(display, "getwindowgeometry", "--shell", str(window))
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def screenshot(display: str, path: Path) -> Path:
    """The whole screen as a PNG (ImageMagick's `import`)."""
    env = {**os.environ, "DISPLAY": display}
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=30)
    return path


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _Event(ctypes.Union):
    _fields_ = [("client", _ClientMessage), ("pad", ctypes.c_long * 24)]


def close_window(display: str, window: int) -> None:
    """Send `window` the WM_DELETE_WINDOW message, as a window manager's close button does."""
    xlib = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    xlib.XFlush.argtypes = [ctypes.c_void_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = xlib.XOpenDisplay(display.encode())
    if not dpy:
        raise RuntimeError(f"cannot open X display {display}")
    try:
        event = _Event()
        msg = event.client
        msg.type = 33  # ClientMessage
        msg.window = window
        msg.message_type = xlib.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        msg.format = 32
        msg.data[0] = xlib.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        msg.data[1] = 0  # CurrentTime
        xlib.XSendEvent(dpy, window, 0, 0, ctypes.byref(event))
        xlib.XFlush(dpy)
    finally:
        xlib.XCloseDisplay(dpy)
