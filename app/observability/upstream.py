"""The app's `UpstreamObserver`: metrics, a client span per attempt, the request's call count."""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry.trace import Span, SpanKind, Status, StatusCode, set_span_in_context

from app.observability.metrics import GatewayMetrics
from app.observability.requests import current_request
from app.observability.routes import route_template
from app.observability.tracing import Tracing
from resolvers.errors import Provider
from resolvers.observe import CacheResult

__all__ = ["GatewayUpstreamObserver"]

_NO_HEADERS: Mapping[str, str] = {}


class _Call:
    __slots__ = ("_metrics", "_provider", "_span", "headers")

    def __init__(
        self,
        metrics: GatewayMetrics | None,
        provider: Provider,
        span: Span | None,
        headers: Mapping[str, str],
    ) -> None:
        self._metrics = metrics
        self._provider = provider
        self._span = span
        self.headers = headers

    def finish(self, status: int | None, outcome: str, seconds: float) -> None:
        # The status label: the HTTP status, else "timeout" or "error" (unreachable).
        label = (
            str(status) if status is not None else ("timeout" if outcome == "timeout" else "error")
        )
        if self._metrics is not None:
            self._metrics.record_upstream(self._provider, label, seconds)
        span = self._span
        if span is None:
            return
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        if status is None or status >= 400:
            span.set_attribute("error.type", label)
            span.set_status(Status(StatusCode.ERROR))
        span.end()


class GatewayUpstreamObserver:
    """Feeds `GatewayMetrics` and, when tracing is on, one client span per HTTP attempt."""

    def __init__(self, metrics: GatewayMetrics | None, tracing: Tracing | None) -> None:
        self._metrics = metrics
        self._tracing = tracing

    def request_started(self, provider: Provider, method: str, path: str, attempt: int) -> _Call:
        state = current_request()
        if state is not None:
            state.upstream_calls += 1
        if self._tracing is None:
            return _Call(self._metrics, provider, None, _NO_HEADERS)
        route = route_template(provider, path)
        # OTel HTTP client conventions: "{method} {route}", resend count from the 2nd try.
        span = self._tracing.tracer.start_span(
            f"{method} {route}",
            kind=SpanKind.CLIENT,
            attributes={
                "http.request.method": method,
                "url.template": route,
                "sessiongraph.provider": provider.value,
                "http.request.resend_count": attempt - 1,
            },
        )
        headers = Tracing.outgoing_headers(set_span_in_context(span))
        return _Call(self._metrics, provider, span, headers)

    def cache_result(self, provider: Provider, result: CacheResult) -> None:
        if self._metrics is not None:
            self._metrics.record_cache(provider, result)

    def breaker_changed(self, provider: Provider, is_open: bool) -> None:
        if self._metrics is not None:
            self._metrics.set_breaker_open(provider, is_open)
