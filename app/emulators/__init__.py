"""Emulators of the four upstream APIs, served together by one `EmulatorHub`."""

from __future__ import annotations

from typing import Any

from app.emulators.config import EmulatorConfig
from app.emulators.discovery import build_emulator as build_discovery
from app.emulators.framework import Emulator, EmulatorHub, RequestLog
from app.emulators.live import build_emulator as build_live
from app.emulators.meet import build_emulator as build_meet
from app.emulators.realtimekit import build_emulator as build_realtimekit
from app.emulators.stream import build_emulator as build_stream

__all__ = ["EmulatorConfig", "EmulatorHub", "build_hub"]


def build_hub(config: EmulatorConfig | None = None) -> EmulatorHub:
    """All four emulators over their seeded datasets, sharing one request log."""
    config = config or EmulatorConfig()
    log = RequestLog()
    emulators: list[Emulator[Any]] = [
        build_meet(config, log),
        build_discovery(config, log),
        build_realtimekit(config, log),
        build_stream(config, log),
    ]
    datasets = {e.name: getattr(e, "dataset", None) for e in emulators}
    # First: its RealtimeKit registration path lies under RealtimeKit's own prefix.
    return EmulatorHub([build_live(config, log, datasets), *emulators], log)
