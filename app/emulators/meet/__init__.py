"""Placeholder emulator for meet: answers 501 until it is implemented."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from app.emulators.config import EmulatorConfig
from app.emulators.framework import Emulator, RequestLog

__all__ = ["build_emulator"]


def _render(status: int, retry_after: int | None) -> Response:
    return JSONResponse({"error": "fault"}, status_code=status)


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    await JSONResponse({"error": "not implemented"}, status_code=501)(scope, receive, send)


def build_emulator(config: EmulatorConfig, log: RequestLog) -> Emulator:
    return Emulator("meet", ("/v2/",), _app, _render, log=log, seed=config.seed)
