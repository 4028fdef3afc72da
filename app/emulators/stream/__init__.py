"""The Stream Video emulator (`/video/…` and `/api/v2/video/…`), per `upstreams/stream-video.md`.

Operations: QueryCallParticipantSessions, QueryCallSessionStats (`POST
/video/call_stats`) and GetCall. Knobs: `short_pages` halves every page;
`options["rate_limits"]` (see `ratelimit`) turns on per-endpoint limits.
"""

from __future__ import annotations

from app.emulators.config import EmulatorConfig
from app.emulators.framework import Emulator, RequestLog
from app.emulators.stream.api import PREFIXES, StreamApi
from app.emulators.stream.dataset import StreamDataset, seed_dataset

__all__ = ["StreamEmulator", "build_emulator"]


class StreamEmulator(Emulator):
    """The emulator plus its dataset, which tests read to check totals and order."""

    def __init__(self, config: EmulatorConfig, log: RequestLog, dataset: StreamDataset) -> None:
        api = StreamApi(dataset, config, knobs=lambda: self.knobs)
        super().__init__("stream", PREFIXES, api, api.render_fault, log=log, seed=config.seed)
        self.dataset = dataset


def build_emulator(config: EmulatorConfig, log: RequestLog) -> Emulator:
    return StreamEmulator(config, log, seed_dataset(config))
