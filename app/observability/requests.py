"""Per-request bookkeeping: the request id, the caller's trace, and one log line.

`RequestObserver` is the outermost ASGI middleware. It takes `X-Request-Id`
from the caller when it is sane (else makes one) and returns it on the
response, continues the caller's `traceparent`, and writes one log record per
request with what the operation extension and the upstream observer noted in
the request's `RequestState` (found through a context variable, which the
dataloaders' tasks inherit).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability.tracing import Tracing

__all__ = ["RequestObserver", "RequestState", "current_request"]

_log = logging.getLogger("sessiongraph.access")
# Ids a log pipeline can carry as they are: no spaces, quotes or control characters.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_STATE: contextvars.ContextVar[RequestState | None] = contextvars.ContextVar(
    "sessiongraph_request", default=None
)


@dataclass
class RequestState:
    """What one HTTP request did, filled in while it runs."""

    request_id: str
    operations: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    upstream_calls: int = 0

    def log_fields(self) -> dict[str, object]:
        names = [name for name, _, _ in self.operations]
        outcomes = [outcome for _, _, outcome in self.operations]
        fields: dict[str, object] = {"upstream_calls": self.upstream_calls}
        if self.operations:
            fields["operation_name"] = names[0] if len(names) == 1 else names
            fields["operation_type"] = self.operations[0][1]
            fields["outcome"] = _worst(outcomes)
        return fields


def _worst(outcomes: list[str]) -> str:
    for outcome in ("error", "partial"):
        if outcome in outcomes:
            return outcome
    return "success"


# The state of the request being served in this context, if any (the variable's own
# `get`: called per upstream call, a Python frame less).
current_request: Callable[[], RequestState | None] = _STATE.get


class RequestObserver:
    def __init__(self, app: ASGIApp, tracing: Tracing | None = None) -> None:
        self._app = app
        self._tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        sent_id = headers.get("x-request-id", "")
        state = RequestState(request_id=sent_id if _SANE_ID.match(sent_id) else uuid.uuid4().hex)
        token = _STATE.set(state)
        trace_token = self._tracing.continue_from(headers) if self._tracing else None
        status = [500]
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", state.request_id.encode()),
                ]
            await send(message)

        try:
            await self._app(scope, receive, send_with_id)
        finally:
            if trace_token is not None:
                Tracing.detach(trace_token)
            _STATE.reset(token)
            if scope["path"] not in _QUIET_PATHS:
                _log_request(scope, state, status[0], time.perf_counter() - started)


def _log_request(scope: Scope, state: RequestState, status: int, seconds: float) -> None:
    # The path only: a GET query string can carry variables, which may be personal data.
    fields = {
        "request_id": state.request_id,
        "method": scope["method"],
        "path": scope["path"],
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        **state.log_fields(),
    }
    _log.info("request", extra=fields)
