"""Sampling (`OTEL_TRACES_SAMPLER`/`_ARG`) and what the upstreams are told about the trace."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from opentelemetry.context import Context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind
from opentelemetry.util.types import Attributes

from app.emulators import EmulatorHub
from app.settings import Settings
from tests.observability.conftest import NESTED, traced_app

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


def _traceparents(hub: EmulatorHub) -> list[tuple[str, str, str, str]]:
    parts = [c.headers["traceparent"].split("-") for c in hub.log.entries("meet")]
    return [(p[0], p[1], p[2], p[3]) for p in parts]


@pytest.mark.parametrize(
    ("sampler", "arg"),
    [("always_off", None), ("traceidratio", "0"), ("parentbased_traceidratio", "0")],
)
async def test_a_sampler_that_drops_exports_nothing_and_says_so_upstream(
    settings: Settings,
    hub: EmulatorHub,
    monkeypatch: pytest.MonkeyPatch,
    sampler: str,
    arg: str | None,
) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", sampler)
    if arg is not None:
        monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", arg)

    async with traced_app(settings, hub) as traced:
        body = (await traced.client.post("/graphql", json={"query": NESTED})).json()

    assert "errors" not in body
    assert traced.spans.get_finished_spans() == ()
    sent = _traceparents(hub)
    assert len(sent) == 3
    # One trace, a new span id per upstream attempt, the "sampled" bit clear (0x02, a
    # random trace id, is set: the SDK made the trace id).
    assert len({trace for _, trace, _, _ in sent}) == 1
    assert len({span for _, _, span, _ in sent}) == 3
    assert {flags for _, _, _, flags in sent} == {"02"}


async def test_an_unsampled_caller_is_followed(settings: Settings, hub: EmulatorHub) -> None:
    # The default sampler is parentbased_always_on: the caller's "not sampled" decides.
    async with traced_app(settings, hub) as traced:
        await traced.client.post(
            "/graphql",
            json={"query": NESTED},
            headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-00"},
        )

    assert traced.spans.get_finished_spans() == ()
    sent = _traceparents(hub)
    assert [(trace, flags) for _, trace, _, flags in sent] == [(CALLER_TRACE, "00")] * 3
    assert CALLER_SPAN not in {span for _, _, span, _ in sent}


class _ByName(Sampler):
    """A sampler of one's own that decides by span name (so it must be asked for every
    span) and adds an attribute to what it keeps."""

    def __init__(self, *, drop_upstream: bool) -> None:
        self.drop_upstream = drop_upstream
        self.asked: list[str] = []

    def should_sample(  # noqa: PLR0917 (the SDK's signature)
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
    ) -> SamplingResult:
        self.asked.append(name)
        if self.drop_upstream and name.startswith("GET "):
            return SamplingResult(Decision.DROP)
        return SamplingResult(Decision.RECORD_AND_SAMPLE, {**(attributes or {}), "by": "test"})

    def get_description(self) -> str:
        return "ByName"


async def test_a_sampler_of_ones_own_is_asked_for_every_span(
    settings: Settings, hub: EmulatorHub
) -> None:
    sampler = _ByName(drop_upstream=True)

    async with traced_app(settings, hub, TracerProvider(sampler=sampler)) as traced:
        await traced.client.post("/graphql", json={"query": NESTED})

    [operation] = traced.spans.get_finished_spans()
    assert operation.name == "query Records"
    assert operation.attributes is not None
    assert operation.attributes["by"] == "test"
    assert [n for n in sampler.asked if n.startswith("GET ")] == [
        "GET /v2/conferenceRecords",
        "GET /v2/conferenceRecords/{id}/participants",
        "GET /v2/conferenceRecords/{id}/participants",
    ]
    assert {int(flags, 16) & 1 for _, _, _, flags in _traceparents(hub)} == {0}


async def test_a_sampler_may_add_attributes_to_client_spans(
    settings: Settings, hub: EmulatorHub
) -> None:
    provider = TracerProvider(sampler=_ByName(drop_upstream=False))

    async with traced_app(settings, hub, provider) as traced:
        await traced.client.post("/graphql", json={"query": NESTED})

    upstream = [s for s in traced.spans.get_finished_spans() if s.name.startswith("GET ")]
    assert len(upstream) == 3
    for span in upstream:
        assert span.attributes is not None
        assert span.attributes["by"] == "test"
        assert span.attributes["http.response.status_code"] == 200
        assert span.attributes["sessiongraph.provider"] == "GOOGLE_MEET"


async def test_trace_state_and_baggage_travel_upstream(
    settings: Settings, hub: EmulatorHub
) -> None:
    headers = {
        "traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01",
        "tracestate": "vendor=abc,other=1",
        "baggage": "tenant=t1",
    }

    async with traced_app(settings, hub) as traced:
        await traced.client.post("/graphql", json={"query": NESTED}, headers=headers)

    calls = hub.log.entries("meet")
    assert [c.headers.get("tracestate") for c in calls] == ["vendor=abc,other=1"] * 3
    assert [c.headers.get("baggage") for c in calls] == ["tenant=t1"] * 3
    upstream = [s for s in traced.spans.get_finished_spans() if s.name.startswith("GET ")]
    assert {s.context.trace_state.to_header() for s in upstream if s.context} == {
        "vendor=abc,other=1"
    }
