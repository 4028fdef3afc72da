"""What the receivers verify against, from the settings (or the emulators' demo keys).

An upstream served by the built-in emulators is checked against the emulators'
own credentials and keys, so `demo` needs no configuration; a configured
upstream is checked against the configured secret, key and push subscription.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from app.settings import Settings
from resolvers.events import JwksFetcher, WebhookConfig

__all__ = ["DEFAULT_JWKS_URL", "webhook_config"]

DEFAULT_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"


def webhook_config(settings: Settings, client: httpx.AsyncClient) -> WebhookConfig:
    """The receivers' configuration; `client` fetches a configured JWKS."""
    emulated = {
        name for name in ("meet", "stream", "realtimekit") if not settings.upstream_url(name)
    }
    secret = _text(settings.stream_api_secret)
    public_key = settings.realtimekit_webhook_public_key or ""
    audience = settings.meet_push_audience or ""
    account = settings.meet_push_service_account or ""
    jwks: JwksFetcher = _fetch_jwks(client, settings.google_jwks_url)
    if emulated:
        # Imported only here: a gateway on real upstreams never loads the emulators.
        from app.emulators.config import DEMO_CREDENTIALS  # noqa: PLC0415
        from app.emulators.live.keys import DEMO_PUSH, emulator_keys  # noqa: PLC0415

        keys = emulator_keys()
        if "stream" in emulated:
            secret = DEMO_CREDENTIALS.stream_api_secret
        if "realtimekit" in emulated and not public_key:
            public_key = keys.realtimekit_public_pem
        if "meet" in emulated:
            audience = audience or DEMO_PUSH.audience
            account = account or DEMO_PUSH.service_account
            if settings.google_jwks_url == DEFAULT_JWKS_URL:
                jwks = _constant(keys.jwks())
    return WebhookConfig(
        stream_api_secret=secret,
        realtimekit_public_key=public_key,
        google_jwks=jwks,
        meet_audience=audience,
        meet_service_account=account,
    )


def _fetch_jwks(client: httpx.AsyncClient, url: str) -> JwksFetcher:
    async def fetch() -> dict[str, Any]:
        response = await client.get(url)
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError("the JWKS is not a JSON object")
        return body

    return fetch


def _constant(value: dict[str, Any]) -> JwksFetcher:
    async def fetch() -> dict[str, Any]:
        return value

    return fetch


def _text(value: SecretStr | str | None) -> str:
    # Settings built with model_copy(update=…) may hold plain strings, not SecretStr.
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return value or ""
