"""One face per upstream: the typed spec every layer loops over.

Each upstream package (`resolvers/<upstream>/`) exports one `SPEC`; the
registry (`resolvers/registry.py`) lists them. The runtime builds one HTTP
client per spec, the loaders container one loader set per spec, the merged
timeline and the emulator hub follow the same list, so adding an upstream is
one package plus one registry line.

Per-upstream policies are slots of the spec, written once where the upstream
is described: retry statuses and the error parser today; cache lifetimes,
quota, breaker thresholds, readiness probe and webhook receiver as they land.
A slot left `None` means the gateway's default behaviour for that policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from resolvers.breaker import BreakerPolicy
from resolvers.errors import Provider

if TYPE_CHECKING:
    from resolvers.cache import CachePolicy
    from resolvers.events.receiver import WebhookFactory
    from resolvers.http import ErrorParser, UpstreamHttp
    from resolvers.paging import Paging, WalkedSource
    from resolvers.readiness import ReadinessProbe
    from resolvers.throttle import Quota
    from resolvers.timeline import TimelineFilter
    from resolvers.timestamps import Instant
    from resolvers.upstreams import Caller, UpstreamCredentials

__all__ = ["CredentialMode", "LoadersFactory", "TimelineSlot", "UpstreamSpec"]


class CredentialMode(StrEnum):
    """Whose identity an upstream call carries (it also keys anything cached across requests)."""

    # The gateway's own server credentials (Stream, RealtimeKit): one identity for every caller.
    SERVER = "server"
    # A configured static Google token, else the caller's own `Authorization: Bearer` forwarded.
    CALLER_BEARER = "caller-bearer"


# (client, server credentials, caller, the request's paging) -> the upstream's loader set.
LoadersFactory = Callable[["UpstreamHttp", "UpstreamCredentials", "Caller", "Paging"], Any]


@dataclass(frozen=True)
class TimelineSlot:
    """How an upstream takes part in the merged `Query.sessions` timeline.

    `source` turns the upstream's loader set and the shared filter into a listing
    ordered by start time, newest first; `start_of` and `key_of` read an item's
    start time and a stable tie-break key.
    """

    source: Callable[[Any, TimelineFilter], WalkedSource[Any]]
    start_of: Callable[[Any], Instant | None]
    key_of: Callable[[Any], str]


@dataclass(frozen=True)
class UpstreamSpec:
    """Everything the gateway knows about one upstream, in one place."""

    provider: Provider
    # Short name: settings prefix (`SESSIONGRAPH_<NAME>_URL`), emulator name, metric label.
    name: str
    credential_mode: CredentialMode
    # Settings that must be set when the upstream's URL is (its server credentials).
    required_settings: tuple[str, ...]
    error_parser: ErrorParser
    # Statuses on which an idempotent read is retried, as the upstream's own client libraries do.
    retry_statuses: frozenset[int]
    # Builds this upstream's per-request loaders (never shared across requests).
    build_loaders: LoadersFactory
    # Its part of the merged `Query.sessions` timeline (None: it has no sessions to merge).
    timeline: TimelineSlot | None = None
    # What may be cached across requests and for how long (None: the default, all live).
    cache_policy: CachePolicy | None = None
    # The documented quota the throttle keeps calls within (None: unthrottled).
    quota: Quota | None = None
    # Slots filled by later work; None = the gateway's default for that policy.
    # This upstream's breaker thresholds (None: the settings' defaults).
    breaker: BreakerPolicy | None = None
    # A cheap call that tells whether the upstream is reachable with the gateway's
    # credentials (resolvers/readiness.py); None: always ready.
    readiness: ReadinessProbe | None = None
    # Builds this upstream's webhook receiver (`POST /webhooks/<path>`); None: no event channel.
    webhook: WebhookFactory | None = None

    @property
    def label(self) -> str:
        """The upstream's product name, as error messages and docs show it."""
        return self.provider.label
