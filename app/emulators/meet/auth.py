"""Bearer tokens the Meet emulator accepts and the OAuth scopes each one carries.

See docs/upstreams/meet.md, "Authentication".

- `config.credentials.google_token`: `meetings.space.created` + `meetings.space.readonly`;
  the caller is treated as owner/participant of every space, so it sees everything.
- `SETTINGS_ONLY_TOKEN`: only `meetings.space.settings`: `spaces.get` works,
  every `conferenceRecords.*` method answers 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT.
- `WRONG_SCOPE_TOKEN`: only an unrelated scope (`drive.readonly`): 403 everywhere.

Any other token is 401. Like Google, the token may also come as the
`access_token` / `oauth_token` query parameter when no Authorization header is sent.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

from app.emulators.config import EmulatorConfig
from app.emulators.google import GoogleApiError, invalid_token, require_bearer

__all__ = [
    "CREATED",
    "READONLY",
    "RECORD_SCOPES",
    "SETTINGS",
    "SETTINGS_ONLY_TOKEN",
    "SPACE_GET_SCOPES",
    "WRONG_SCOPE_TOKEN",
    "authenticate",
    "check_scopes",
    "token_scopes",
]

_AUTH = "https://www.googleapis.com/auth/"
CREATED = _AUTH + "meetings.space.created"
READONLY = _AUTH + "meetings.space.readonly"
SETTINGS = _AUTH + "meetings.space.settings"
RECORD_SCOPES = frozenset({CREATED, READONLY})
SPACE_GET_SCOPES = frozenset({CREATED, READONLY, SETTINGS})

WRONG_SCOPE_TOKEN = "sessiongraph-demo-google-token-drive-scope"  # noqa: S105 - emulator-only
SETTINGS_ONLY_TOKEN = "sessiongraph-demo-google-token-settings-scope"  # noqa: S105


def token_scopes(config: EmulatorConfig) -> dict[str, frozenset[str]]:
    return {
        config.credentials.google_token: frozenset({CREATED, READONLY}),
        SETTINGS_ONLY_TOKEN: frozenset({SETTINGS}),
        WRONG_SCOPE_TOKEN: frozenset({_AUTH + "drive.readonly"}),
    }


def authenticate(request: Request, tokens: Mapping[str, frozenset[str]]) -> str:
    """The caller's token; 401 (CREDENTIALS_MISSING or unknown token) otherwise."""
    if "authorization" not in request.headers:
        for key in ("access_token", "oauth_token"):
            token = request.query_params.get(key)
            if token:
                if token not in tokens:
                    raise invalid_token()
                return token
    return require_bearer(request, frozenset(tokens))


def check_scopes(granted: frozenset[str], accepted: frozenset[str]) -> None:
    if not granted & accepted:
        raise GoogleApiError(
            403,
            "Request had insufficient authentication scopes.",
            reason="ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        )
