"""Meet REST v2 wire models (ProtoJSON): tolerant of omitted defaults and unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from resolvers.timestamps import Instant

__all__ = [
    "ConferenceRecord",
    "Participant",
    "ParticipantSession",
    "Recording",
    "Space",
    "Transcript",
    "TranscriptEntry",
]


class _Wire(BaseModel):
    # Real services add fields over time; unknown ones are ignored, never fatal.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class ConferenceRecord(_Wire):
    name: str
    start_time: Instant | None = Field(default=None, alias="startTime")
    end_time: Instant | None = Field(default=None, alias="endTime")
    expire_time: Instant | None = Field(default=None, alias="expireTime")
    space: str | None = None


class SignedinUser(_Wire):
    user: str | None = None
    display_name: str | None = Field(default=None, alias="displayName")


class AnonymousUser(_Wire):
    display_name: str | None = Field(default=None, alias="displayName")


class PhoneUser(_Wire):
    display_name: str | None = Field(default=None, alias="displayName")


class Participant(_Wire):
    name: str
    signedin_user: SignedinUser | None = Field(default=None, alias="signedinUser")
    anonymous_user: AnonymousUser | None = Field(default=None, alias="anonymousUser")
    phone_user: PhoneUser | None = Field(default=None, alias="phoneUser")
    earliest_start_time: Instant | None = Field(default=None, alias="earliestStartTime")
    latest_end_time: Instant | None = Field(default=None, alias="latestEndTime")

    @property
    def display_name(self) -> str | None:
        user = self.signedin_user or self.anonymous_user or self.phone_user
        return user.display_name if user else None

    @property
    def conference_record(self) -> str:
        return "/".join(self.name.split("/")[:2])


class ParticipantSession(_Wire):
    name: str
    start_time: Instant | None = Field(default=None, alias="startTime")
    end_time: Instant | None = Field(default=None, alias="endTime")

    @property
    def participant(self) -> str:
        return "/".join(self.name.split("/")[:4])


class DriveDestination(_Wire):
    file: str | None = None
    export_uri: str | None = Field(default=None, alias="exportUri")


class DocsDestination(_Wire):
    document: str | None = None
    export_uri: str | None = Field(default=None, alias="exportUri")


class Recording(_Wire):
    name: str
    state: str | None = None
    start_time: Instant | None = Field(default=None, alias="startTime")
    end_time: Instant | None = Field(default=None, alias="endTime")
    drive_destination: DriveDestination | None = Field(default=None, alias="driveDestination")


class Transcript(_Wire):
    name: str
    state: str | None = None
    start_time: Instant | None = Field(default=None, alias="startTime")
    end_time: Instant | None = Field(default=None, alias="endTime")
    docs_destination: DocsDestination | None = Field(default=None, alias="docsDestination")


class TranscriptEntry(_Wire):
    name: str
    participant: str | None = None
    text: str | None = None
    language_code: str | None = Field(default=None, alias="languageCode")
    start_time: Instant | None = Field(default=None, alias="startTime")
    end_time: Instant | None = Field(default=None, alias="endTime")


class SpaceConfig(_Wire):
    access_type: str | None = Field(default=None, alias="accessType")
    entry_point_access: str | None = Field(default=None, alias="entryPointAccess")
    moderation: str | None = None


class ActiveConference(_Wire):
    conference_record: str | None = Field(default=None, alias="conferenceRecord")


class Space(_Wire):
    name: str
    meeting_uri: str | None = Field(default=None, alias="meetingUri")
    meeting_code: str | None = Field(default=None, alias="meetingCode")
    config: SpaceConfig | None = None
    active_conference: ActiveConference | None = Field(default=None, alias="activeConference")
