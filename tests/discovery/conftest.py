"""A fresh hub holding only the Discovery emulator, for direct write tests (fast to build)."""

from __future__ import annotations

import pytest

from app.emulators import EmulatorConfig, EmulatorHub
from app.emulators.discovery import build_emulator
from app.emulators.framework import RequestLog


@pytest.fixture
def discovery_hub() -> EmulatorHub:
    log = RequestLog()
    return EmulatorHub([build_emulator(EmulatorConfig(), log)], log)
