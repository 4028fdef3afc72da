"""All emulators behind one ASGI app, plus the `/_emulator/…` control API.

Control API (for tests and tools over real sockets; see docs/emulators.md):
GET and DELETE `/_emulator/log` (optionally `?emulator=name`), GET and PUT
`/_emulator/knobs/{name}`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.emulators.framework.emulator import Emulator
from app.emulators.framework.knobs import Knobs
from app.emulators.framework.log import RequestLog

__all__ = ["EmulatorHub"]


class EmulatorHub:
    """Routes each request to the emulator whose path prefix it starts with."""

    def __init__(self, emulators: list[Emulator[Any]], log: RequestLog) -> None:
        self.emulators = {e.name: e for e in emulators}
        self.log = log
        self._control = Starlette(
            routes=[
                Route("/_emulator/log", self._get_log, methods=["GET"]),
                Route("/_emulator/log", self._clear_log, methods=["DELETE"]),
                Route("/_emulator/knobs/{name}", self._get_knobs, methods=["GET"]),
                Route("/_emulator/knobs/{name}", self._put_knobs, methods=["PUT"]),
            ]
        )

    def __getitem__(self, name: str) -> Emulator[Any]:
        return self.emulators[name]

    def reset(self) -> None:
        """Clear the log and return every emulator to its base knobs."""
        self.log.clear()
        for emulator in self.emulators.values():
            emulator.reset_knobs()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _ignore_lifespan(receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith("/_emulator/"):
            await self._control(scope, receive, send)
            return
        for emulator in self.emulators.values():
            if path.startswith(emulator.prefixes):
                await emulator(scope, receive, send)
                return
        await JSONResponse({"error": "no emulator serves this path"}, status_code=404)(
            scope, receive, send
        )

    async def _get_log(self, request: Request) -> Response:
        name = request.query_params.get("emulator")
        return JSONResponse([asdict(e) for e in self.log.entries(name)])

    async def _clear_log(self, request: Request) -> Response:
        self.log.clear()
        return Response(status_code=204)

    def _emulator(self, request: Request) -> Emulator[Any] | None:
        return self.emulators.get(request.path_params["name"])

    async def _get_knobs(self, request: Request) -> Response:
        emulator = self._emulator(request)
        if emulator is None:
            return JSONResponse({"error": "unknown emulator"}, status_code=404)
        return JSONResponse(emulator.knobs.to_json())

    async def _put_knobs(self, request: Request) -> Response:
        emulator = self._emulator(request)
        if emulator is None:
            return JSONResponse({"error": "unknown emulator"}, status_code=404)
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise TypeError("the knobs must be a JSON object")
            knobs = Knobs.from_json(body)
        except (TypeError, ValueError) as exc:
            return JSONResponse({"error": f"invalid knobs: {exc}"}, status_code=400)
        emulator.set_knobs(knobs)
        return Response(status_code=204)


async def _ignore_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
