"""What every emulator shares: the skeleton, knobs, request log, rate limiter and hub."""

from __future__ import annotations

from app.emulators.framework.emulator import Emulator, EmulatorError
from app.emulators.framework.hub import EmulatorHub
from app.emulators.framework.knobs import FaultRule, Knobs
from app.emulators.framework.log import LoggedRequest, RequestLog
from app.emulators.framework.ratelimit import Clock, RateLimiter, RateWindow
from app.emulators.framework.routes import RouteMatch, RouteTable

__all__ = [
    "Clock",
    "Emulator",
    "EmulatorError",
    "EmulatorHub",
    "FaultRule",
    "Knobs",
    "LoggedRequest",
    "RateLimiter",
    "RateWindow",
    "RequestLog",
    "RouteMatch",
    "RouteTable",
]
