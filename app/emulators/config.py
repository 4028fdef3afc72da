"""Settings shared by every emulator: seed, the fixed "now" and the credentials it accepts."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.timestamps import Instant

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
    """`now` anchors every seeded dataset, so a seed always yields the same data."""

    seed: int = 20261101
    now: Instant = Instant(1_793_534_400_000_000_000)  # 2026-11-01T12:00:00Z
    credentials: DemoCredentials = DEMO_CREDENTIALS
