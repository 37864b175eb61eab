"""Fixtures shared by the SDK tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import rerun as rr


@pytest.fixture
def strict() -> Iterator[None]:
    """Strict mode: conversion errors raise."""
    before = rr.strict_mode()
    rr.set_strict_mode(True)
    yield
    rr.set_strict_mode(before)


@pytest.fixture
def lenient() -> Iterator[None]:
    """Non-strict mode, as scripts run: conversion errors warn and log nothing for the field."""
    before = rr.strict_mode()
    rr.set_strict_mode(False)
    yield
    rr.set_strict_mode(before)
