"""The app's `UpstreamObserver`: metrics, a client span per attempt, the request's call count."""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry.trace import Status, StatusCode

from app.observability.metrics import GatewayMetrics
from app.observability.requests import current_request
from app.observability.routes import route_template
from app.observability.spans import Attributes, CallShape, ClientSpan
from app.observability.tracing import Tracing
from resolvers.errors import Provider
from resolvers.observe import CacheResult

__all__ = ["GatewayUpstreamObserver"]

_NO_HEADERS: Mapping[str, str] = {}
_UNSET = Status(StatusCode.UNSET)
_ERROR = Status(StatusCode.ERROR)
_MAX_SHAPES = 4096  # (provider, method, route, attempt): routes are templates, so few


class _Call:
    """An attempt without a client span: its metrics, and its headers (an unsampled
    span's `traceparent`, or none)."""

    __slots__ = ("_metrics", "_provider", "headers")

    def __init__(
        self, metrics: GatewayMetrics | None, provider: Provider, headers: Mapping[str, str]
    ) -> None:
        self._metrics = metrics
        self._provider = provider
        self.headers = headers

    def finish(self, status: int | None, outcome: str, seconds: float) -> None:
        if self._metrics is not None:
            self._metrics.record_upstream(self._provider, _label(status, outcome), seconds)


class _TracedCall(ClientSpan):
    """An attempt with its client span: one object (made by `ClientSpans.start`)."""

    __slots__ = ("_metrics", "_provider", "headers")
    _metrics: GatewayMetrics | None
    _provider: Provider
    headers: Mapping[str, str]

    def finish(self, status: int | None, outcome: str, seconds: float) -> None:
        # _label, inlined (once per traced attempt)
        label = (
            str(status) if status is not None else ("timeout" if outcome == "timeout" else "error")
        )
        if self._metrics is not None:
            self._metrics.record_upstream(self._provider, label, seconds)
        self.end(label)


def _label(status: int | None, outcome: str) -> str:
    """The status label: the HTTP status, else "timeout" or "error" (unreachable)."""
    if status is not None:
        return str(status)
    return "timeout" if outcome == "timeout" else "error"


def _ending(label: str) -> tuple[Attributes, Status]:
    """What a client span gets when its attempt ends as `label` (see `_Call.finish`)."""
    if not label.isdigit():
        return {"error.type": label}, _ERROR
    status = int(label)
    if status >= 400:
        return {"http.response.status_code": status, "error.type": label}, _ERROR
    return {"http.response.status_code": status}, _UNSET


class GatewayUpstreamObserver:
    """Feeds `GatewayMetrics` and, when tracing is on, one client span per HTTP attempt."""

    def __init__(self, metrics: GatewayMetrics | None, tracing: Tracing | None) -> None:
        self._metrics = metrics
        self._spans = tracing.client_spans if tracing is not None else None
        self._shapes: dict[tuple[Provider, str, str, int], CallShape] = {}
        if metrics is not None:  # one call less per cache lookup: the metrics' own method
            self.cache_result = metrics.record_cache  # type: ignore[method-assign]

    def request_started(
        self, provider: Provider, method: str, path: str, attempt: int
    ) -> _Call | _TracedCall:
        state = current_request()
        if state is not None:
            state.upstream_calls += 1
        if self._spans is None:
            return _Call(self._metrics, provider, _NO_HEADERS)
        route = route_template(provider, path)
        shape = self._shapes.get((provider, method, route, attempt))
        if shape is None:
            shape = self._shape(provider, method, route, attempt)
        call, headers = self._spans.start(shape, _TracedCall)
        if call is None:  # the sampler dropped it
            return _Call(self._metrics, provider, headers)
        call._metrics = self._metrics
        call._provider = provider
        call.headers = headers
        return call

    def _shape(self, provider: Provider, method: str, route: str, attempt: int) -> CallShape:
        # OTel HTTP client conventions: "{method} {route}", resend count from the 2nd try.
        shape = CallShape(
            f"{method} {route}",
            {
                "http.request.method": method,
                "url.template": route,
                "sessiongraph.provider": provider.value,
                "http.request.resend_count": attempt - 1,
            },
            _ending,
        )
        if len(self._shapes) >= _MAX_SHAPES:
            self._shapes.clear()
        self._shapes[(provider, method, route, attempt)] = shape
        return shape

    def cache_result(self, provider: Provider, result: CacheResult) -> None:
        return None  # metrics off (on, __init__ put `GatewayMetrics.record_cache` here)

    def breaker_changed(self, provider: Provider, is_open: bool) -> None:
        if self._metrics is not None:
            self._metrics.set_breaker_open(provider, is_open)
