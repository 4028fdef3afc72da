"""RealtimeKit wire models: tolerant of absent optional fields, unknown fields and casing drift."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from resolvers.timestamps import Instant

__all__ = ["DownloadLink", "Paging", "Participant", "Session", "SummaryJob"]


class _Wire(BaseModel):
    # The spec drifted several times in 2026: unknown fields are ignored, never fatal.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


def _instant_or_none(value: Any) -> Instant | None:
    # The expiry format is undocumented: an unreadable one is "unknown", not an error.
    try:
        return None if value in (None, "") else Instant.coerce(value)
    except ValueError:
        return None


LenientInstant = Annotated[Instant | None, BeforeValidator(_instant_or_none)]


class Paging(_Wire):
    total_count: int | None = None
    start_offset: int | None = None
    end_offset: int | None = None


class Session(_Wire):
    """One session (list item, details or active session: the same object)."""

    id: str
    associated_id: str | None = None
    meeting_display_name: str | None = None
    type: str | None = None
    status: str | None = None
    live_participants: int | None = None
    max_concurrent_participants: int | None = None
    minutes_consumed: float | None = None
    organization_id: str | None = None
    started_at: Instant | None = None
    ended_at: Instant | None = None
    created_at: Instant | None = None
    updated_at: Instant | None = None


class Participant(_Wire):
    """One join (peer) of one user; `duration` is in minutes."""

    id: str
    user_id: str | None = None
    custom_participant_id: str | None = None
    display_name: str | None = None
    # The peer report calls the preset `role`.
    preset_name: str | None = Field(
        default=None, validation_alias=AliasChoices("preset_name", "role")
    )
    joined_at: Instant | None = None
    left_at: Instant | None = None
    duration: float | None = None
    peer_events: list[dict[str, Any]] | None = None


class DownloadLink(_Wire):
    """Chat, transcript or summary link; the three payloads case their keys differently."""

    url: str = Field(
        validation_alias=AliasChoices(
            "chat_download_url", "transcript_download_url", "summaryDownloadUrl"
        )
    )
    expires_at: LenientInstant = Field(
        default=None,
        validation_alias=AliasChoices(
            "chat_download_url_expiry",
            "transcript_download_url_expiry",
            "summaryDownloadUrlExpiry",
        ),
    )


class SummaryJob(_Wire):
    """The POST summary answer: current spec `{session_id, status}`; older shapes lack both."""

    session_id: str | None = Field(
        default=None, validation_alias=AliasChoices("session_id", "sessionId")
    )
    status: str | None = None
