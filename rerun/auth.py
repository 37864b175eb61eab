"""`rerun.auth`: 0.41's login to Rerun Cloud (OAuth device flow).

This implementation talks to self-hosted servers only and keeps no cloud credentials: there is
never a session to log out of, and starting a login flow says so with an error.
"""

from __future__ import annotations

from typing import Any, NoReturn


def get_credentials() -> Any:
    """The stored cloud credentials: always ``None`` here (none are ever stored)."""
    return None


def init_login_flow() -> NoReturn:
    raise RuntimeError("Rerun Cloud login is not available in this implementation (no cloud service)")


def login() -> None:
    """Start the Rerun Cloud login flow (unavailable here: raises ``RuntimeError``)."""
    init_login_flow()


def logout() -> None:
    """Log out of Rerun Cloud; with no stored credentials there is nothing to do."""
    print("No credentials found. You are already logged out.")
