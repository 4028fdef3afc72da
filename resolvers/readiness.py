"""Readiness: is each upstream reachable with the credentials the gateway holds?

Each spec's `readiness` slot is a cheap probe (one smallest page). `check` runs
it outside any operation, under its own short deadline, and names the state:
`ok`, `unreachable` (no well-formed answer: refused, timed out, 5xx),
`unauthenticated` (the upstream refused the gateway's own credentials, or the
gateway has none it needs) or `breaker-open` (calls are paused after repeated
failures, so nothing is sent). Where the gateway forwards callers' tokens
(Google, without a static token) it holds no credential to test: any
well-formed answer, a 401 included, means ready.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from resolvers.deadline import operation_deadline
from resolvers.errors import ErrorCode, GatewayError
from resolvers.http import UpstreamHttp, path_of

if TYPE_CHECKING:
    from resolvers.spec import UpstreamSpec
    from resolvers.upstreams import UpstreamCredentials

__all__ = ["ReadinessProbe", "UpstreamState", "check", "unauthenticated_probe"]

ReadinessProbe = Callable[[UpstreamHttp, "UpstreamCredentials"], Awaitable[None]]


class UpstreamState(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    UNAUTHENTICATED = "unauthenticated"
    BREAKER_OPEN = "breaker-open"


_REFUSED = frozenset({ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN})


async def check(
    spec: UpstreamSpec, http: UpstreamHttp, credentials: UpstreamCredentials, *, within: float
) -> UpstreamState:
    """Probe one upstream once (callers cache the answer)."""
    if http.breaker.is_open:
        return UpstreamState.BREAKER_OPEN
    if spec.readiness is None:
        return UpstreamState.OK
    try:
        with operation_deadline(within):
            await spec.readiness(http, credentials)
    except GatewayError as exc:
        return _state_of(exc)
    return UpstreamState.OK


def _state_of(error: GatewayError) -> UpstreamState:
    if error.code in _REFUSED:
        return UpstreamState.UNAUTHENTICATED
    if error.upstream_status is not None and error.upstream_status < 500:
        # Some other well-formed answer (404, 400, 429): the upstream is there and
        # took the credentials.
        return UpstreamState.OK
    return UpstreamState.UNREACHABLE


async def unauthenticated_probe(http: UpstreamHttp, *segments: str) -> None:
    """For forwarded-token upstreams without a token: any well-formed answer will do."""
    try:
        await http.send("GET", path_of(*segments), params={"pageSize": "1"}, idempotent=False)
    except GatewayError as exc:
        if exc.code in _REFUSED and exc.upstream_status is not None:
            return
        raise
