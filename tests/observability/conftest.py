"""An app with an in-memory span exporter, next to the usual fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator
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


@pytest.fixture
async def traced(settings: Settings, hub: EmulatorHub) -> AsyncIterator[Traced]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(settings, hub=hub, tracer_provider=provider)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Traced(app, client, exporter)
