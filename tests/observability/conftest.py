"""An app with an in-memory span exporter, next to the usual fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.applications import Starlette

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.settings import Settings

NESTED = """
query Records {
  conferenceRecords(first: 2) {
    edges { node { name participants(first: 2) { edges { node { name } } } } }
  }
}"""


@dataclass
class Traced:
    app: Starlette
    client: httpx.AsyncClient
    spans: InMemorySpanExporter


@asynccontextmanager
async def traced_app(
    settings: Settings, hub: EmulatorHub, provider: TracerProvider | None = None
) -> AsyncIterator[Traced]:
    """The app tracing into an in-memory exporter, on `provider` (default: a new one,
    which reads `OTEL_TRACES_SAMPLER` from the environment as any SDK provider does)."""
    exporter = InMemorySpanExporter()
    provider = provider or TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(settings, hub=hub, tracer_provider=provider)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Traced(app, client, exporter)


@pytest.fixture
async def traced(settings: Settings, hub: EmulatorHub) -> AsyncIterator[Traced]:
    async with traced_app(settings, hub) as traced:
        yield traced
