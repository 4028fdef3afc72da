"""The upstream registry: every layer loops over the same specs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.runtime import Runtime
from app.settings import Settings
from resolvers.cursors import CursorCodec
from resolvers.errors import ErrorCode, GatewayError, Provider
from resolvers.loaders import Loaders, TimelineFilter
from resolvers.pagers import OffsetPage, OffsetPager
from resolvers.paging import ConnectionArgs, Paging
from resolvers.registry import SPECS, spec_for, spec_named
from resolvers.spec import CredentialMode, TimelineSlot, UpstreamSpec
from resolvers.timestamps import Instant
from resolvers.upstreams import Caller, UpstreamCredentials, Upstreams


def test_every_provider_has_exactly_one_spec() -> None:
    assert sorted(spec.provider for spec in SPECS) == sorted(Provider)
    assert len({spec.name for spec in SPECS}) == len(SPECS)
    assert spec_for(Provider.STREAM_VIDEO).name == "stream"
    assert spec_named("meet").provider is Provider.GOOGLE_MEET


def test_google_upstreams_forward_the_caller_and_the_others_use_server_credentials() -> None:
    modes = {spec.name: spec.credential_mode for spec in SPECS}
    assert modes == {
        "meet": CredentialMode.CALLER_BEARER,
        "discovery": CredentialMode.CALLER_BEARER,
        "stream": CredentialMode.SERVER,
        "realtimekit": CredentialMode.SERVER,
    }
    for spec in SPECS:
        assert all(hasattr(Settings(), name) for name in spec.required_settings)


async def test_runtime_builds_one_client_per_spec_and_loaders_for_each() -> None:
    runtime = Runtime.create(Settings(_env_file=None))  # type: ignore[call-arg]
    assert set(runtime.upstreams.http) == {spec.provider for spec in SPECS}
    assert len(runtime.clients) == len(SPECS)
    assert runtime.upstream_modes() == dict.fromkeys((s.name for s in SPECS), "emulator")
    try:
        loaders = runtime.context_for(None).loaders
        assert loaders.meet is loaders.of(type(loaders.meet))
        assert [spec.provider for spec in loaders.specs] == [spec.provider for spec in SPECS]
    finally:
        await runtime.close()


async def test_the_lifespan_opens_and_closes_the_upstream_clients(
    settings: Settings, hub: EmulatorHub
) -> None:
    app = create_app(settings, hub=hub)
    assert not hasattr(app.state, "runtime")  # nothing pooled before start-up
    async with app.router.lifespan_context(app):
        runtime: Runtime = app.state.runtime
        assert len(runtime.clients) == len(SPECS)
        assert not any(client.is_closed for client in runtime.clients)
    assert all(client.is_closed for client in runtime.clients)


# --- adding an upstream: a toy spec, picked up by every loop over the registry ---------


@dataclass(frozen=True)
class ToySession:
    id: str
    started: Instant


@dataclass
class ToyLoaders:
    """A whole upstream's data layer in miniature: a listing behind the shared offset pager."""

    built_with: tuple[Any, ...]
    sessions: list[ToySession]

    @classmethod
    def build(
        cls, http: Any, credentials: UpstreamCredentials, caller: Caller, paging: Paging
    ) -> ToyLoaders:
        newest_first = [ToySession(f"{http}-{n}", Instant(n * 10**9)) for n in (9, 5, 1)]
        return cls((http, credentials, caller, paging), newest_first)

    def timeline(self, flt: TimelineFilter) -> OffsetPager[ToySession]:
        async def fetch(page_no: int, per_page: int) -> OffsetPage[ToySession]:
            start = (page_no - 1) * per_page
            return OffsetPage(self.sessions[start : start + per_page], len(self.sessions))

        return OffsetPager(fetch, max_page_size=10)


def _toy_spec(provider: Provider, name: str) -> UpstreamSpec:
    return UpstreamSpec(
        provider=provider,
        name=name,
        credential_mode=CredentialMode.SERVER,
        required_settings=(),
        error_parser=lambda response: GatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE, "toy", provider=provider
        ),
        retry_statuses=frozenset({503}),
        build_loaders=ToyLoaders.build,
        timeline=TimelineSlot(
            source=lambda loaders, flt: loaders.timeline(flt),
            start_of=lambda item: item.started,
            key_of=lambda item: item.id,
        ),
    )


async def test_a_toy_upstream_spec_is_built_and_merged_like_the_real_ones() -> None:
    # Given a registry of two toy upstreams (each in a provider slot of its own)
    specs = (_toy_spec(Provider.GOOGLE_MEET, "toy-a"), _toy_spec(Provider.STREAM_VIDEO, "toy-b"))
    credentials = UpstreamCredentials(None, None, "k", "s", "a", "b", "t", "p")
    http = cast("Any", {s.provider: s.name for s in specs})  # each toy's "client" is its name
    upstreams = Upstreams(http=http, credentials=credentials)
    paging = Paging(CursorCodec(b"0123456789abcdef"), max_page_size=10, default_page_size=4)
    caller = Caller("Bearer x")

    # When the request's loaders are built from it
    loaders = Loaders.build(upstreams, caller, paging, specs=specs)

    # Then each spec built its own loader set, with its client, credentials, caller and paging
    toy_a = loaders.for_provider(Provider.GOOGLE_MEET)
    assert isinstance(toy_a, ToyLoaders)
    assert toy_a.built_with == ("toy-a", credentials, caller, paging)
    assert loaders.of(ToyLoaders) in (toy_a, loaders.for_provider(Provider.STREAM_VIDEO))

    # And the merged timeline reads both through their timeline slots, newest first,
    # with signed cursors that resume each upstream where the last page left it
    first = await loaders.sessions(None, TimelineFilter(), ConnectionArgs(first=4))
    assert [item.id for _, (_, item) in first.page.edges] == [
        "toy-a-9",
        "toy-b-9",
        "toy-a-5",
        "toy-b-5",
    ]
    assert first.page.has_next_page is True
    assert first.failures == []
    rest = await loaders.sessions(
        None, TimelineFilter(), ConnectionArgs(first=4, after=first.page.end_cursor)
    )
    assert [item.id for _, (_, item) in rest.page.edges] == ["toy-a-1", "toy-b-1"]
    assert (rest.page.has_next_page, rest.page.has_previous_page) == (False, True)

    # And narrowing to one provider leaves the other out of the page
    only_b = await loaders.sessions([Provider.STREAM_VIDEO], TimelineFilter(), ConnectionArgs())
    assert [p for _, (p, _) in only_b.page.edges] == [Provider.STREAM_VIDEO] * 3
