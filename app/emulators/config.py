"""Settings shared by every emulator: seed, the fixed "now", base fault knobs, credentials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.emulators.timeformat import FIXED_NOW_NS

if TYPE_CHECKING:
    from app.settings import Settings

__all__ = ["DEMO_CREDENTIALS", "DemoCredentials", "EmulatorConfig"]


@dataclass(frozen=True)
class DemoCredentials:
    """Credentials the emulators accept and the gateway uses when it runs on them.

    They open only the local emulators, so they are not secrets.
    """

    google_token: str = "sessiongraph-demo-google-token"  # noqa: S105 - emulator-only
    stream_api_key: str = "sessiongraph-demo-stream-key"
    stream_api_secret: str = "sessiongraph-demo-stream-secret-0123456789"  # noqa: S105
    realtimekit_account_id: str = "demoaccount"
    realtimekit_app_id: str = "demoapp"
    realtimekit_api_token: str = "sessiongraph-demo-realtimekit-token"  # noqa: S105


DEMO_CREDENTIALS = DemoCredentials()


@dataclass(frozen=True)
class EmulatorConfig:
    """What every emulator is built from.

    `now_ns` (integer nanoseconds, 2026-11-01T12:00:00Z by default) anchors every
    seeded dataset, so a seed always yields the same data. `latency_ms` and
    `error_rate` are the knobs each emulator starts with and returns to on reset.
    """

    seed: int = 20261101
    now_ns: int = FIXED_NOW_NS
    credentials: DemoCredentials = DEMO_CREDENTIALS
    latency_ms: float = 0.0
    error_rate: float = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> EmulatorConfig:
        """The `SESSIONGRAPH_EMULATOR_SEED` / `_LATENCY_MS` / `_ERROR_RATE` settings."""
        return cls(
            seed=settings.emulator_seed,
            latency_ms=settings.emulator_latency_ms,
            error_rate=settings.emulator_error_rate,
        )
