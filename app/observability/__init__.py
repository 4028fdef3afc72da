"""Metrics, traces and request logs for one app (see docs/deployment.md)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from opentelemetry.sdk.trace import TracerProvider
from strawberry.extensions import SchemaExtension

from app.observability.logs import LogFormat, configure_logging
from app.observability.metrics import GatewayMetrics
from app.observability.operations import observed_schema, operation_extension
from app.observability.requests import RequestObserver, RequestState, current_request
from app.observability.tracing import Tracing, tracer_provider_from_env
from app.observability.upstream import GatewayUpstreamObserver

__all__ = [
    "GatewayMetrics",
    "LogFormat",
    "Observability",
    "RequestObserver",
    "RequestState",
    "Tracing",
    "configure_logging",
    "current_request",
    "observed_schema",
]


@dataclass
class Observability:
    """What one app measures and traces; either part may be off (None)."""

    metrics: GatewayMetrics | None
    tracing: Tracing | None

    @classmethod
    def create(
        cls,
        *,
        metrics: bool = True,
        tracer_provider: TracerProvider | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Observability:
        """`tracer_provider` wins over the `OTEL_*` variables of `env` (default: os.environ)."""
        provider = tracer_provider or tracer_provider_from_env(os.environ if env is None else env)
        return cls(
            metrics=GatewayMetrics() if metrics else None,
            tracing=Tracing(provider) if provider is not None else None,
        )

    @property
    def enabled(self) -> bool:
        return self.metrics is not None or self.tracing is not None

    def upstream_observer(self) -> GatewayUpstreamObserver:
        return GatewayUpstreamObserver(self.metrics, self.tracing)

    def extension(self) -> Callable[[], SchemaExtension]:
        return operation_extension(self.metrics, self.tracing)

    def close(self) -> None:
        if self.tracing is not None:
            self.tracing.shutdown()
