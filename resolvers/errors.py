"""Gateway errors: the one exception type every layer raises toward GraphQL.

Each carries an `ErrorCode` (the `extensions.code` clients see) and a message that is safe to
show a client. graphql-core copies an original exception's `extensions` attribute
onto the GraphQL error, so raising (or returning, from a batch function) a
`GatewayError` is all a resolver needs to do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

__all__ = [
    "ErrorCode",
    "GatewayError",
    "Provider",
    "bad_input",
    "found",
    "not_configured",
    "not_found",
]

T = TypeVar("T")


class Provider(StrEnum):
    """The upstream that produced a value or an error."""

    GOOGLE_MEET = "GOOGLE_MEET"
    VERTEX_AI_SEARCH = "VERTEX_AI_SEARCH"
    STREAM_VIDEO = "STREAM_VIDEO"
    CLOUDFLARE_REALTIMEKIT = "CLOUDFLARE_REALTIMEKIT"

    @property
    def label(self) -> str:
        """The upstream's product name, as error messages show it."""
        return _PROVIDER_LABELS[self]


_PROVIDER_LABELS: dict[Provider, str] = {
    Provider.GOOGLE_MEET: "Google Meet",
    Provider.VERTEX_AI_SEARCH: "Vertex AI Search",
    Provider.STREAM_VIDEO: "Stream Video",
    Provider.CLOUDFLARE_REALTIMEKIT: "Cloudflare RealtimeKit",
}


class ErrorCode(StrEnum):
    """`extensions.code` values fixed by the contract."""

    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    RATE_LIMITED = "RATE_LIMITED"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    INTERNAL = "INTERNAL"


class GatewayError(Exception):
    """A failure with a client-safe message and a contract error code."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        provider: Provider | None = None,
        upstream_status: int | None = None,
        retry_after: float | None = None,
        field: str | None = None,
        reason: str | None = None,
        retryable: bool = True,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        # More `extensions` entries, e.g. the upstream-call budget's figures.
        self.extra = dict(extra or {})
        self.reason = reason
        # False when the upstream says retrying cannot help (Stream's `unrecoverable`).
        self.retryable = retryable
        self.code = code
        self.message = message
        self.provider = provider
        self.upstream_status = upstream_status
        self.retry_after = retry_after
        self.field = field

    @property
    def extensions(self) -> dict[str, Any]:
        """The GraphQL `extensions` object for this error."""
        ext: dict[str, Any] = {"code": self.code.value}
        if self.provider is not None:
            ext["provider"] = self.provider.value
        if self.upstream_status is not None:
            ext["upstreamStatus"] = self.upstream_status
        if self.retry_after is not None:
            ext["retryAfterSeconds"] = math.ceil(self.retry_after)
        if self.field is not None:
            ext["field"] = self.field
        if self.reason is not None:
            ext["upstreamReason"] = self.reason
        ext.update(self.extra)
        return ext

    def __repr__(self) -> str:
        return f"GatewayError({self.code.value}, {self.message!r})"


def bad_input(message: str, *, field: str | None = None) -> GatewayError:
    """A client mistake: wrong argument, bad id or cursor, value out of range."""
    return GatewayError(ErrorCode.BAD_USER_INPUT, message, field=field)


def not_found(message: str, provider: Provider | None = None) -> GatewayError:
    """The object does not exist (or is not visible to the caller).

    With a provider, the upstream answered 404 (loaders turn that into None), so
    the error says so in `upstreamStatus`.
    """
    return GatewayError(
        ErrorCode.NOT_FOUND,
        message,
        provider=provider,
        upstream_status=404 if provider is not None else None,
    )


def not_configured(provider: Provider, *settings: str) -> GatewayError:
    """The upstream's URL is set but its server credentials are not (names only, no values)."""
    return GatewayError(
        ErrorCode.UNAUTHENTICATED,
        f"The gateway has no credentials for this upstream: set {', '.join(settings)}",
        provider=provider,
    )


def found(value: T | None, message: str, provider: Provider) -> T:
    """A single-object root field's value, or NOT_FOUND (the field is then null).

    Loaders turn the upstream's 404 into None, so None here means it answered 404.
    """
    if value is None:
        raise not_found(message, provider)
    return value
