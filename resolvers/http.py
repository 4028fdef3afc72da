"""The shared upstream HTTP layer: one pooled client per upstream, used by every loader.

`UpstreamHttp.send` adds what every upstream call needs and no call site should
repeat: percent-encoded paths, a per-attempt timeout capped by what is left of
the operation's deadline (httpx's own timeouts do not apply to in-process ASGI
transports, and a slow upstream must never hang a GraphQL request), bounded
concurrency, the upstream's circuit breaker, the operation's call budget,
retries of idempotent reads with backoff that honours `Retry-After`, and the
mapping of failures to contract error codes (resolvers/upstream_status.py,
docs/faults.md).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
)
from tenacity.stop import stop_base

from resolvers import budget, deadline
from resolvers.breaker import BreakerPolicy, CircuitBreaker
from resolvers.cache import dependencies
from resolvers.errors import ErrorCode, GatewayError, Provider, bad_input
from resolvers.observe import NULL_OBSERVER, RequestScope, UpstreamObserver
from resolvers.upstream_request import UpstreamRequests
from resolvers.upstream_status import (
    ErrorParser,
    error_from_status,
    json_body,
    retry_after_seconds,
    status_error_parser,
)

if TYPE_CHECKING:
    from resolvers.cache import IdentityKey, UpstreamCache
    from resolvers.throttle import Throttle

__all__ = [
    "ErrorParser",
    "RetryPolicy",
    "UpstreamHttp",
    "error_from_status",
    "json_body",
    "path_of",
    "retry_after_seconds",
    "status_error_parser",
]


def path_of(*segments: str) -> str:
    """Join path segments, percent-encoding each so no input can add a segment or a query.

    Percent-encoding leaves `.` alone, and an empty, `.` or `..` segment would be
    normalised away (changing which resource is asked for), so those are refused.
    """
    for segment in segments:
        if segment in _DOT_SEGMENTS:
            raise bad_input(f"An id cannot be {segment!r}: it would change the upstream path")
    return "/" + "/".join([_quoted(segment) for segment in segments])


_DOT_SEGMENTS = frozenset({"", ".", ".."})
# Ids recur from call to call (a dashboard's parents, refreshed reads): a bounded memo.
_quoted = functools.lru_cache(maxsize=8192)(functools.partial(quote, safe=""))


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to retry an idempotent read.

    Waits are short on purpose: a GraphQL caller is waiting. A `Retry-After`
    longer than `max_retry_after` is not waited out; the caller gets
    RATE_LIMITED with `retryAfterSeconds` instead.
    """

    attempts: int = 3
    base_delay: float = 0.1
    max_delay: float = 1.0
    multiplier: float = 2.0
    max_retry_after: float = 2.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 503}))


class UpstreamHttp:
    """One upstream: its pooled `httpx.AsyncClient`, error parser and policies."""

    def __init__(
        self,
        provider: Provider,
        client: httpx.AsyncClient,
        *,
        parse_error: ErrorParser,
        policy: RetryPolicy,
        timeout: float,
        concurrency: int,
        observer: UpstreamObserver = NULL_OBSERVER,
        cache: UpstreamCache | None = None,
        throttle: Throttle | None = None,
        identities: IdentityKey | None = None,
        breaker: BreakerPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.provider = provider
        # Cross-request traffic policies (resolvers/cache, resolvers/throttle); None = off.
        self.cache = cache
        self.throttle = throttle
        self._identities = identities
        # Shared by every operation of the process (resolvers/breaker.py).
        self.breaker = CircuitBreaker(provider, breaker, clock=clock, observer=observer)
        self.observer = observer
        self.client = client
        self._requests = UpstreamRequests(client)
        self._parse_error = parse_error
        self._policy = policy
        self._timeout = timeout
        self._slots = asyncio.Semaphore(concurrency)

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        idempotent: bool = True,
        identity: str | None = None,
    ) -> httpx.Response:
        """Send one request (retrying idempotent ones) and return a 2xx response.

        `identity` (from `identity_of`) names whose credential the call carries;
        only a call with one is cached, and only for that identity.
        """

        async def call() -> httpx.Response:
            return await self._send(
                method, path, params, headers, json, idempotent=idempotent, identity=identity
            )

        if self.cache is not None and identity is not None:
            return await self.cache.send(
                method, path, params, json, identity=identity, call=call, observer=self.observer
            )
        dependencies.uncacheable("an upstream call bypassed the cache")
        return await call()

    def identity_of(self, credential: str) -> str | None:
        """The opaque cache/quota identity of the credential a call carries (None: no cache)."""
        return self._identities.of(credential) if self._identities is not None else None

    async def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        json: Any,
        *,
        idempotent: bool,
        identity: str | None,
    ) -> httpx.Response:
        # Past the cache (a hit costs no budget and never touches the breaker): the call
        # counts once against the operation's upstream-call budget, and each attempt
        # passes the breaker and runs within what is left of the deadline.
        budget.charge(self.provider)
        attempts = self._policy.attempts if idempotent else 1

        async def attempt(number: int) -> httpx.Response:
            if self.throttle is not None:
                await self.throttle.acquire(identity, path)
            return await self._attempt(
                method,
                path,
                params,
                headers,
                json,
                identity=identity,
                attempt=number,
                last=number >= attempts,
            )

        # The first attempt runs directly: most calls succeed at once, and setting up
        # tenacity costs as much as a tenth of a call's CPU. A retryable failure hands
        # over to tenacity, which sees the same first attempt fail (it is not made
        # again) and waits, stops and retries exactly as it would have.
        try:
            return await attempt(1)
        except GatewayError as exc:
            if attempts == 1 or not self._retryable(exc):
                raise self._settled(exc) from None
            first = exc
        try:
            return await self._retry(attempt, first, attempts)
        except GatewayError as exc:
            raise self._settled(exc) from None

    async def _retry(
        self,
        attempt: Callable[[int], Awaitable[httpx.Response]],
        first: GatewayError,
        attempts: int,
    ) -> httpx.Response:
        retrying = AsyncRetrying(
            stop=stop_any(stop_after_attempt(attempts), _StopAtDeadline()),
            retry=retry_if_exception(self._retryable),
            wait=self._wait,
            reraise=True,
        )
        async for state in retrying:
            with state:
                number = state.retry_state.attempt_number
                if number == 1:
                    raise first  # made already, by `_send`
                return await attempt(number)
        raise AssertionError("unreachable: tenacity re-raises the last failure")

    def _settled(self, exc: GatewayError) -> GatewayError:
        if exc.code is ErrorCode.RATE_LIMITED and exc.retry_after is None:
            # The upstream gave no figure: the gateway's estimate is its next backoff.
            exc.retry_after = max(1.0, self._policy.max_delay)
        return exc

    async def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        json: Any,
        *,
        identity: str | None,
        attempt: int,
        last: bool,
    ) -> httpx.Response:
        left = deadline.remaining()
        if left is not None and left <= 0:
            raise self._timed_out()
        self.breaker.before_call()
        error: BaseException | None = None
        try:
            return await self._once(
                method, path, params, headers, json, identity=identity, attempt=attempt, left=left
            )
        except BaseException as exc:
            error = exc
            raise
        finally:
            if isinstance(error, ConnectionDroppedError) and not last:
                # Says nothing yet of the upstream: after an idle spell many pooled
                # connections can be stale at once, and counting each would open the
                # breaker on an upstream that answers the retry.
                self.breaker.release()
            else:
                self.breaker.record(error)

    def _timed_out(self) -> GatewayError:
        return error_from_status(self.provider, 504)

    async def _once(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        json: Any,
        *,
        identity: str | None = None,
        attempt: int = 1,
        left: float | None = None,
    ) -> httpx.Response:
        scope = self.observer.request_started(self.provider, method, path, attempt)
        started = time.perf_counter()
        timeout = self._timeout if left is None else min(self._timeout, left)
        try:
            async with self._slots, asyncio.timeout(timeout):
                # Sent as `client.build_request` + `client.send` would, at a fraction of
                # their CPU (resolvers/upstream_request.py). The observer's (trace)
                # headers are set as on the built request, after the body headers.
                response = await self._requests.call(
                    method, path, params=params, headers=headers, json=json, extra=scope.headers
                )
        except (TimeoutError, httpx.TimeoutException) as exc:
            _finish(scope, None, "timeout", started)
            raise self._timed_out() from exc
        except _DROPPED as exc:
            _finish(scope, None, "unreachable", started)
            raise ConnectionDroppedError(self.provider) from exc
        except httpx.HTTPError as exc:
            _finish(scope, None, "unreachable", started)
            raise GatewayError(
                ErrorCode.UPSTREAM_UNAVAILABLE,
                f"{self.provider.label} could not be reached",
                provider=self.provider,
            ) from exc
        if self.throttle is not None:
            await self.throttle.observe(identity, path, response.headers)
        outcome = "ok" if response.is_success else "error"
        _finish(scope, response.status_code, outcome, started)
        if response.is_success:
            return response
        raise self._parse_error(response)

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, ConnectionDroppedError):
            return True
        if not isinstance(exc, GatewayError) or exc.upstream_status is None:
            return False
        if not exc.retryable:
            return False
        if exc.upstream_status not in self._policy.retry_statuses:
            return False
        return exc.retry_after is None or exc.retry_after <= self._policy.max_retry_after

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ConnectionDroppedError):
            return 0.0  # a new connection, not a rest, is what the next attempt needs
        if isinstance(exc, GatewayError) and exc.retry_after is not None:
            return exc.retry_after
        delay = self._policy.base_delay * self._policy.multiplier ** (state.attempt_number - 1)
        return float(min(self._policy.max_delay, delay))


class ConnectionDroppedError(GatewayError):
    """The connection closed or reset under a request that had been sent: no answer.

    Mostly a pooled keep-alive connection that the upstream closed as it went idle,
    at the moment it was reused (a race no client can avoid, only make rare by
    expiring idle connections before the server does, see `upstream_keepalive_expiry`).
    An idempotent read is then safe to send again (RFC 9110, section 9.2.2), so it is
    retried at once on a new connection; it stays UPSTREAM_UNAVAILABLE for the caller
    when every attempt is dropped.
    """

    def __init__(self, provider: Provider) -> None:
        super().__init__(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            f"{provider.label} closed the connection before its answer was complete",
            provider=provider,
            reason="connection dropped",
        )


# Failures after the connection was made (httpx's names; app/transport.py maps
# aiohttp's to them). A refused connection is httpx.ConnectError: not retried at once.
_DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def _finish(scope: RequestScope, status: int | None, outcome: str, started: float) -> None:
    scope.finish(status, outcome, time.perf_counter() - started)


class _StopAtDeadline(stop_base):
    """Tenacity computes the wait before asking whether to stop: a retry whose
    wait would end past the deadline is not waited for, the last error stands."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        left = deadline.remaining()
        return left is not None and retry_state.upcoming_sleep >= left
