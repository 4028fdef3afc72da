"""The Discovery Engine (Vertex AI Search) sessions emulator.

Serves create/get/list/patch/delete under the three parent forms strictly as
`/work/shared/upstreams/vertex-ai-search-sessions.md` describes, over a seeded
dataset exposed as `emulator.store` so tests can compare against ground truth.
Knob option `denied_tokens` (a list) answers those bearer tokens with 403.
"""

from __future__ import annotations

from app.emulators.config import EmulatorConfig
from app.emulators.discovery.api import build_app
from app.emulators.discovery.seed import seed_store
from app.emulators.discovery.store import SessionStore
from app.emulators.framework import Emulator, RequestLog
from app.emulators.google_common import render_google_error

__all__ = ["DiscoveryEmulator", "build_emulator"]


class DiscoveryEmulator(Emulator):
    """The emulator plus its `store`, the ground truth tests read."""

    def __init__(self, config: EmulatorConfig, log: RequestLog) -> None:
        self.store: SessionStore = seed_store(config)
        app = build_app(
            self.store, frozenset({config.credentials.google_token}), lambda: self.knobs
        )
        super().__init__(
            "discovery", ("/v1/",), app, render_google_error, log=log, seed=config.seed
        )


def build_emulator(config: EmulatorConfig, log: RequestLog) -> Emulator:
    return DiscoveryEmulator(config, log)
