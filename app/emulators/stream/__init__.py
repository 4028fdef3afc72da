"""The Stream Video emulator (`/video/…` and `/api/v2/video/…`), per docs/upstreams/stream.md.

Operations: QueryCallParticipantSessions, QueryCallSessionStats (`POST
/video/call_stats`) and GetCall. Knobs: `short_pages` halves every page;
`options["rate_limits"]` (see `ratelimit`) turns on per-endpoint limits.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.emulators.config import EmulatorConfig
from app.emulators.framework import Emulator, RequestLog, RouteMatch
from app.emulators.stream.api import PREFIXES, Operation, StreamApi
from app.emulators.stream.dataset import StreamDataset, seed_dataset
from app.emulators.stream.ratelimit import new_limiter

__all__ = ["StreamEmulator", "build_emulator"]


class StreamEmulator(Emulator[Operation]):
    """The emulator plus its dataset, which tests read to check totals and order."""

    name = "stream"
    prefixes = PREFIXES

    def __init__(self, config: EmulatorConfig, log: RequestLog, dataset: StreamDataset) -> None:
        self.dataset = dataset
        limiter = new_limiter()
        self._api = StreamApi(dataset, config, limiter, knobs=lambda: self.knobs)
        super().__init__(config, log, routes=self._api.routes(), limiter=limiter)

    async def dispatch(self, request: Request, route: RouteMatch[Operation]) -> Response:
        return await self._api.dispatch(request, route)

    def render_fault(self, status: int, retry_after: int | None) -> Response:
        return self._api.render_fault(status, retry_after)


def build_emulator(config: EmulatorConfig, log: RequestLog) -> StreamEmulator:
    return StreamEmulator(config, log, seed_dataset(config))
