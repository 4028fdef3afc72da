"""The upstream registry: every layer loops over the same specs."""

from __future__ import annotations

from app.runtime import Runtime
from app.settings import Settings
from resolvers.errors import Provider
from resolvers.registry import SPECS, spec_for, spec_named
from resolvers.spec import CredentialMode


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
    loaders = runtime.context_for(None).loaders
    assert loaders.meet is loaders.of(type(loaders.meet))
    await runtime.close()
