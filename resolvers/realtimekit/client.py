"""The RealtimeKit client: one method per call (docs/upstreams/realtimekit.md).

It reads `data` (never Cloudflare's `result`), accepts session details flat or
under `data.session`, finds `paging` at the top level, inside `data` or nowhere,
and always sends `page_no` (from 1), `per_page`, `sort_by` and `sort_order`.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from resolvers.errors import ErrorCode, GatewayError, Provider, not_configured
from resolvers.http import UpstreamHttp, json_body, path_of
from resolvers.pagers import OffsetPage
from resolvers.parsed import parse_once
from resolvers.realtimekit import models
from resolvers.realtimekit.queries import ParticipantQuery, SessionQuery
from resolvers.upstreams import UpstreamCredentials

__all__ = ["MAX_PER_PAGE", "LinkKind", "RealtimeKitClient"]

M = TypeVar("M", bound=BaseModel)
LinkKind = Literal["chat", "transcript", "summary"]
_PROVIDER = Provider.CLOUDFLARE_REALTIMEKIT
MAX_PER_PAGE = 100  # the emulator's cap; RealtimeKit documents none


class RealtimeKitClient:
    """RealtimeKit calls with the server's Bearer token (never the caller's)."""

    def __init__(self, http: UpstreamHttp, credentials: UpstreamCredentials) -> None:
        self._http = http
        self._account = credentials.realtimekit_account_id
        self._app = credentials.realtimekit_app_id
        self._headers = {"Authorization": f"Bearer {credentials.realtimekit_api_token}"}
        self._configured = all((self._account, self._app, credentials.realtimekit_api_token))
        # The gateway's own identity: every caller shares what the server token fetched.
        token = credentials.realtimekit_api_token
        self._identity = http.identity_of(f"{self._account}/{self._app}/{token}")

    def _path(self, *segments: str) -> str:
        if not self._configured:
            raise not_configured(
                _PROVIDER,
                "SESSIONGRAPH_REALTIMEKIT_ACCOUNT_ID",
                "SESSIONGRAPH_REALTIMEKIT_APP_ID",
                "SESSIONGRAPH_REALTIMEKIT_API_TOKEN",
            )
        prefix = ("client", "v4", "accounts", self._account, "realtime", "kit", self._app)
        return path_of(*prefix, *segments)

    async def _get(self, *segments: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self._http.send(
            "GET",
            self._path(*segments),
            params=params,
            headers=self._headers,
            identity=self._identity,
        )
        # The envelope is shared by every operation that shared the read; callers only read it.
        return parse_once(response, "envelope", lambda: _envelope(json_body(response, _PROVIDER)))

    async def list_sessions(
        self, query: SessionQuery, page_no: int, per_page: int
    ) -> OffsetPage[models.Session]:
        params = {**query.params(), "page_no": str(page_no), "per_page": str(per_page)}
        body = await self._get("sessions", params=params)
        return _page(body, "sessions", models.Session, page_no, per_page)

    async def session(self, session_id: str) -> models.Session:
        data = _data(await self._get("sessions", session_id))
        # Older specs nest the session (`data.session`), the current one is flat.
        nested = data.get("session")
        return _parse(models.Session, nested if isinstance(nested, dict) else data)

    async def list_participants(
        self, session_id: str, query: ParticipantQuery, page_no: int, per_page: int
    ) -> OffsetPage[models.Participant]:
        params = {**query.params(), "page_no": str(page_no), "per_page": str(per_page)}
        body = await self._get("sessions", session_id, "participants", params=params)
        return _page(body, "participants", models.Participant, page_no, per_page)

    async def participant(self, session_id: str, peer_id: str) -> models.Participant:
        data = _data(await self._get("sessions", session_id, "participants", peer_id))
        return _parse(models.Participant, data.get("participant"))

    async def peer_report(self, peer_id: str) -> dict[str, Any]:
        """The whole `data.participant` of the peer report: metadata, quality, events."""
        data = _data(await self._get("sessions", "peer-report", peer_id))
        report = data.get("participant")
        if not isinstance(report, dict):
            raise _malformed()
        return report

    async def link(self, session_id: str, kind: LinkKind) -> models.DownloadLink:
        return _parse(models.DownloadLink, _data(await self._get("sessions", session_id, kind)))

    async def generate_summary(self, session_id: str) -> models.SummaryJob:
        """POST summary: not retried (not idempotent); any 2xx and any of three shapes."""
        response = await self._http.send(
            "POST",
            self._path("sessions", session_id, "summary"),
            headers={**self._headers, "Accept": "*/*"},
            idempotent=False,
            identity=self._identity,
        )
        if not response.content.strip():
            return models.SummaryJob(session_id=session_id)
        data = _envelope(json_body(response, _PROVIDER)).get("data")
        job = _parse(models.SummaryJob, data if isinstance(data, dict) else {})
        return job if job.session_id else job.model_copy(update={"session_id": session_id})


def _envelope(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or body.get("success") is False:
        raise _malformed()
    return body


def _data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    if not isinstance(data, dict):
        raise _malformed()
    return data


def _page(
    body: dict[str, Any], field: str, model: type[M], page_no: int, per_page: int
) -> OffsetPage[M]:
    data = _data(body)
    raw_items = data.get(field)
    if not isinstance(raw_items, list):
        raise _malformed()
    raw_paging = body.get("paging") or data.get("paging")  # top level, in `data`, or absent
    paging = _parse(models.Paging, raw_paging) if isinstance(raw_paging, dict) else None
    if paging and raw_items and paging.start_offset not in (None, (page_no - 1) * per_page + 1):
        # A page that starts elsewhere than asked would put items at wrong positions.
        raise _malformed()
    return OffsetPage(
        items=[_parse(model, item) for item in raw_items],
        total=paging.total_count if paging else None,
    )


def _parse(model: type[M], raw: Any) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _malformed() from exc


def _malformed() -> GatewayError:
    return GatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        "Cloudflare RealtimeKit sent a response the gateway could not read",
        provider=_PROVIDER,
    )


async def probe(http: UpstreamHttp, credentials: UpstreamCredentials) -> None:
    """Readiness: the smallest sessions page, with the gateway's Bearer token."""
    await RealtimeKitClient(http, credentials).list_sessions(SessionQuery(), 1, 1)
