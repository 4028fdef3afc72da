"""Google Meet REST API v2 emulator (read surface), following docs/upstreams/meet.md.

Serves `/v2/conferenceRecords…` (records, participants, participantSessions,
recordings, transcripts, transcript `entries`) and `GET /v2/spaces/{id or meeting
code}` over a seeded dataset (`seed.py`), as strictly as the real API:

- Auth: `Authorization: Bearer <token>` (or `access_token` / `oauth_token`
  query parameter). `config.credentials.google_token` has the created+readonly
  scopes and sees everything. `auth.SETTINGS_ONLY_TOKEN` (settings scope) can only
  call `spaces.get`; `auth.WRONG_SCOPE_TOKEN` (drive.readonly) gets 403
  ACCESS_TOKEN_SCOPE_INSUFFICIENT everywhere. No token: 401 CREDENTIALS_MISSING;
  unknown token: 401.
- Paging: `pageSize` defaults/maxima per method (records 25/100, participants and
  sessions 100/250, recordings/transcripts/entries 10/100), coerced above the
  maximum, 0/absent → default, negative → 400. Page tokens are offsets bound to
  (method, parent, exact filter text); reuse with another filter → 400.
- Filters: see `filters.py`. `totalSize` on participants.list only via `fields` /
  `X-Goog-FieldMask` (see `fieldmask.py`).
- Quota: see `quota.py` (per token, fixed 60 s windows; default 6000/min,
  `knobs.options["meet_read_limit_per_minute"]` and
  `knobs.options["meet_project_read_limit_per_minute"]` override). Quota counters
  reset together with the knobs (`hub.reset()`).
- Knobs: `short_pages` serves `knobs.short_page_size(asked)` items per page with the
  token pointing right after them; latency, errors, 429 bursts and rules come from
  the framework and are rendered by `render_google_error`.

`emulator.dataset` (a `MeetDataset`) exposes the data in list order for tests.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.emulators.config import EmulatorConfig
from app.emulators.framework import Emulator, RateLimiter, RequestLog, RouteMatch
from app.emulators.google import render_google_error
from app.emulators.meet.auth import SETTINGS_ONLY_TOKEN, WRONG_SCOPE_TOKEN, token_scopes
from app.emulators.meet.dataset import MeetDataset
from app.emulators.meet.quota import WINDOW_SECONDS, ReadQuota
from app.emulators.meet.routes import Endpoint, MeetApi
from app.emulators.meet.seed import build_dataset

__all__ = [
    "SETTINGS_ONLY_TOKEN",
    "WRONG_SCOPE_TOKEN",
    "MeetDataset",
    "MeetEmulator",
    "build_emulator",
]


class MeetEmulator(Emulator[Endpoint]):
    """The Meet emulator, with its `dataset` and read `quota` exposed for tests."""

    name = "meet"
    prefixes = ("/v2/",)

    def __init__(self, config: EmulatorConfig, log: RequestLog) -> None:
        self.dataset = build_dataset(config)
        limiter = RateLimiter(WINDOW_SECONDS)
        self.quota = ReadQuota(limiter)
        self._api = MeetApi(self.dataset, token_scopes(config), self.quota, lambda: self.knobs)
        super().__init__(config, log, routes=self._api.routes(), limiter=limiter)

    async def dispatch(self, request: Request, route: RouteMatch[Endpoint]) -> Response:
        return await self._api.dispatch(request, route)

    def render_fault(self, status: int, retry_after: int | None) -> Response:
        return render_google_error(status, retry_after)


def build_emulator(config: EmulatorConfig, log: RequestLog) -> MeetEmulator:
    return MeetEmulator(config, log)
