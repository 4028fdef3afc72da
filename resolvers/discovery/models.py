"""Discovery Engine v1 session wire models (ProtoJSON): tolerant of omitted defaults.

ProtoJSON omits default values, so a missing `turns`/`labels`/`sessions` is an
empty list and a missing `isPinned` is false; unknown fields (v1beta/v1alpha
additions such as `pendingAsyncAssistOperationId` or `parts`) are ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from resolvers.timestamps import Instant

__all__ = ["ListSessionsResponse", "Query", "Session", "Turn"]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Query(_Wire):
    query_id: str | None = Field(default=None, alias="queryId")
    text: str | None = None


class Turn(_Wire):
    query: Query | None = None
    answer: str | None = None
    query_config: dict[str, Any] = Field(default_factory=dict, alias="queryConfig")
    detailed_answer: dict[str, Any] | None = Field(default=None, alias="detailedAnswer")
    detailed_assist_answer: dict[str, Any] | None = Field(
        default=None, alias="detailedAssistAnswer"
    )


class Session(_Wire):
    name: str
    display_name: str | None = Field(default=None, alias="displayName")
    state: str | None = None
    user_pseudo_id: str | None = Field(default=None, alias="userPseudoId")
    turns: list[Turn] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    start_time: Instant | None = Field(default=None, alias="startTime")
    end_time: Instant | None = Field(default=None, alias="endTime")
    is_pinned: bool = Field(default=False, alias="isPinned")

    @property
    def parent(self) -> str:
        return self.name.rsplit("/sessions/", 1)[0]


class ListSessionsResponse(_Wire):
    sessions: list[Session] = Field(default_factory=list)
    next_page_token: str | None = Field(default=None, alias="nextPageToken")
