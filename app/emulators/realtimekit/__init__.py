"""The Cloudflare RealtimeKit emulator (reference: shared/upstreams/cloudflare-realtimekit.md).

Serves `/client/v4/accounts/{account_id}/realtime/kit/{app_id}/…` over a seeded
dataset (`emulator.dataset`). Switches in `emulator.knobs.options`:

- `session_details_shape`: `"flat"` (default, current spec) or `"nested"` (`data.session`);
- `participants_paging`: `"data"` (default), `"top"` or `"none"`;
- `rate_limit` / `rate_window`: the per-token quota (default 1200 per 300 s).

`knobs.short_pages` is not honoured: pages are addressed by `page_no` times `per_page`,
so a short page would make the next page skip items, which no offset API does.
"""

from __future__ import annotations

from starlette.responses import Response

from app.emulators.config import EmulatorConfig
from app.emulators.framework import Emulator, RequestLog
from app.emulators.realtimekit.app import RealtimeKitApp
from app.emulators.realtimekit.dataset import Dataset, build_dataset
from app.emulators.realtimekit.envelopes import AUTH_CODE, RATE_LIMIT_CODE, cloudflare_errors
from app.emulators.realtimekit.routes import Handlers

__all__ = ["RealtimeKitEmulator", "build_emulator"]


class RealtimeKitEmulator(Emulator):
    """An `Emulator` that also exposes its dataset, for tests."""

    dataset: Dataset


def _render_fault(status: int, retry_after: int | None) -> Response:
    """Injected faults in the Cloudflare `errors[]` shape; 429 carries `Retry-After`."""
    if status == 429:
        response = cloudflare_errors(
            429, RATE_LIMIT_CODE, "Rate limited. Please wait and try again."
        )
        wait = retry_after if retry_after is not None else 300
        response.headers["Retry-After"] = str(wait)
        response.headers["Ratelimit"] = f'"default";r=0;t={wait}'
        response.headers["Ratelimit-Policy"] = '"burst";q=1200;w=300'
        return response
    if status in (401, 403):
        return cloudflare_errors(status, AUTH_CODE, "Authentication error")
    # Emulator-defined code (Cloudflare's are >= 1000 and undocumented for these faults).
    return cloudflare_errors(status, status * 10, f"Upstream fault (HTTP {status})")


def build_emulator(config: EmulatorConfig, log: RequestLog) -> RealtimeKitEmulator:
    now_ms = config.now.ns // 1_000_000
    dataset = build_dataset(config.seed, now_ms, config.credentials.realtimekit_app_id)
    holder: list[RealtimeKitEmulator] = []
    handlers = Handlers(data=dataset, now_ms=now_ms, knobs=lambda: holder[0].knobs)
    app = RealtimeKitApp(handlers, config.credentials, lambda: holder[0].knobs)
    emulator = RealtimeKitEmulator(
        "realtimekit", ("/client/v4/",), app, _render_fault, log=log, seed=config.seed
    )
    emulator.dataset = dataset
    holder.append(emulator)
    return emulator
