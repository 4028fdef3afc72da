"""`GET /metrics`: the app's registry in Prometheus text format."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.observability.metrics import GatewayMetrics

__all__ = ["metrics_route"]


def metrics_route(metrics: GatewayMetrics | None) -> list[Route]:
    """The `/metrics` route, or none when metrics are off."""
    if metrics is None:
        return []

    async def serve(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", serve, methods=["GET"])]
