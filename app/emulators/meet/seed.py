"""Deterministic seeding of the Meet dataset from `EmulatorConfig(seed, now_ns)`.

Shape of the data (all relative to `now`):

- 44 spaces with 12-character ids; spaces 0 and 1 have ids that differ only by
  case, so case-sensitive lookups are exercised. Meeting codes look like
  `abc-mnop-xyz`.
- Each space holds at most one conference per calendar day on days 1..36
  before today, so some records are past `expireTime` (end + 30 days) and hidden.
  Some spaces have one conference running now (no endTime; the space's
  `activeConference`), others one that ended minutes ago (artifacts still ENDED).
- A few records in different spaces share an exact start time (tie-break tests).
- One "busiest" ended record has ~280 participants, one of them with 9 sessions,
  and a transcript with hundreds of entries; a few other transcripts are long too.
- Timestamps carry 0, 3, 6 or 9 fractional digits.
"""

from __future__ import annotations

import random
import string

from app.emulators.config import EmulatorConfig
from app.emulators.meet.dataset import MeetDataset
from app.emulators.meet.resources import (
    ArtifactState,
    ConferenceRecord,
    Participant,
    ParticipantSession,
    Recording,
    Space,
    Transcript,
    TranscriptEntry,
    UserKind,
)
from app.emulators.meet.vocab import CLOSERS, FIRST_NAMES, LAST_NAMES, OPENERS, ROOMS, TOPICS

__all__ = ["build_dataset"]

NS = 1_000_000_000
MINUTE = 60 * NS
HOUR = 60 * MINUTE
DAY = 24 * HOUR

SPACE_COUNT = 44
HISTORY_DAYS = 36
BUSIEST_PARTICIPANTS = 272
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"  # exactly 64 characters
# Maps each random byte to one id character (byte & 63); ids are built with
# `randbytes().translate()`, far cheaper than `random.choices` for thousands of ids.
_ID_TABLE = bytes(ord(_ID_ALPHABET[b & 63]) for b in range(256))
# Weighted draws in hot loops use `rng.choice` over pre-expanded tuples.
_PRECISIONS = (NS,) * 2 + (1_000_000,) * 4 + (1_000,) * 2 + (1,) * 2
_KINDS: tuple[UserKind, ...] = ("signedin",) * 15 + ("anonymous",) * 3 + ("phone",) * 2
_SESSION_COUNTS = (1,) * 41 + (2,) * 6 + (3,) * 2 + (4,)
_LANGUAGES = ("en-US",) * 9 + ("en-GB",)


def build_dataset(config: EmulatorConfig) -> MeetDataset:
    """The same dataset for the same (seed, now), built in well under a second."""
    return _Seeder(config).build()


class _Ids:
    """Unique opaque ids; the alphabet includes `-` and `_` so clients must not assume more."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def make(self, length: int) -> str:
        while True:
            value = self._rng.randbytes(length).translate(_ID_TABLE).decode()
            if value not in self._seen:
                self._seen.add(value)
                return value

    def claim(self, value: str) -> bool:
        if value in self._seen:
            return False
        self._seen.add(value)
        return True

    def digits(self, length: int) -> str:
        while True:
            value = str(self._rng.randrange(10 ** (length - 1), 10**length))
            if self.claim(value):
                return value


class _Seeder:
    def __init__(self, config: EmulatorConfig) -> None:
        self.rng = random.Random(config.seed)
        self.now = config.now_ns
        self.midnight = self.now - self.now % DAY
        self.ids = _Ids(self.rng)
        self.people = self._people(170)

    # --- helpers ----------------------------------------------------------------------

    def _precise(self, ns: int) -> int:
        """Truncate to a random precision: whole seconds, ms, µs or ns."""
        unit = self.rng.choice(_PRECISIONS)
        return ns - ns % unit

    def _between(self, low: int, high: int) -> int:
        return self._precise(self.rng.randint(low, high)) if high > low else low

    def _people(self, count: int) -> list[tuple[str, str]]:
        """Signed-in users: (display name, `users/{numeric id}`), stable across conferences."""
        names: set[str] = set()
        people: list[tuple[str, str]] = []
        for room in ROOMS:  # room devices sign in with robot accounts named after the room
            names.add(room)
            people.append((room, f"users/{self.ids.digits(21)}"))
        while len(people) < count:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in names:
                names.add(name)
                people.append((name, f"users/{self.ids.digits(21)}"))
        return people

    def _meeting_code(self) -> str:
        letters = string.ascii_lowercase
        while True:
            code = "-".join("".join(self.rng.choices(letters, k=n)) for n in (3, 4, 3))
            if self.ids.claim(code):
                return code

    # --- spaces and timelines -----------------------------------------------------------

    def build(self) -> MeetDataset:
        rng = self.rng
        spaces = [self._space() for _ in range(SPACE_COUNT)]
        twin = spaces[0].id.swapcase()
        if twin != spaces[0].id and self.ids.claim(twin):
            spaces[1].id = twin
        live = set(rng.sample(range(2, SPACE_COUNT), 7))
        records: list[ConferenceRecord] = []
        days_of: dict[int, set[int]] = {}
        first_of: dict[int, ConferenceRecord] = {}
        for index, space in enumerate(spaces):
            days = set(rng.sample(range(1, HISTORY_DAYS + 1), rng.randint(7, 12)))
            days_of[index] = days
            for day in sorted(days):
                start = self.midnight - day * DAY + self._between(7 * HOUR, 20 * HOUR)
                record = self._record(space, start, start + rng.randint(10 * MINUTE, 150 * MINUTE))
                records.append(record)
                if day <= 20 and index not in first_of:
                    first_of[index] = record
            if index in live:
                start = self.now - self._between(5 * MINUTE, 2 * HOUR)
                record = self._record(space, start, None)
                space.active_record = record
                records.append(record)
            elif rng.random() < 0.3:
                end = self.now - self._between(2 * MINUTE, 50 * MINUTE)
                records.append(self._record(space, end - rng.randint(15, 90) * MINUTE, end))
        # Exact start-time ties across spaces: the next space copies a record's start on a
        # day it has free (one conference per day per space keeps spaces non-overlapping).
        for a in (2, 10, 20, 30):
            ref = first_of.get(a)
            day = (self.midnight - ref.start_time) // DAY + 1 if ref else 0
            if ref is not None and day not in days_of[a + 1]:
                end = ref.start_time + rng.randint(20, 60) * MINUTE
                records.append(self._record(spaces[a + 1], ref.start_time, end))
        self._populate_all(records)
        return MeetDataset(self.now, spaces, records)

    def _space(self) -> Space:
        rng = self.rng
        return Space(
            id=self.ids.make(12),
            meeting_code=self._meeting_code(),
            access_type=rng.choices(("OPEN", "TRUSTED", "RESTRICTED"), weights=(3, 5, 2))[0],
            entry_point_access=rng.choices(("ALL", "CREATOR_APP_ONLY"), weights=(9, 1))[0],
        )

    def _record(self, space: Space, start: int, end: int | None) -> ConferenceRecord:
        return ConferenceRecord(
            id=self.ids.make(26),
            space=space,
            start_time=start,
            end_time=self._precise(end) if end is not None else None,
        )

    # --- what happens inside a conference --------------------------------------------------

    def _populate_all(self, records: list[ConferenceRecord]) -> None:
        rng = self.rng
        ended_visible = [
            r
            for r in records
            if r.end_time is not None and 2 * DAY < self.now - r.end_time < 20 * DAY
        ]
        ended_visible.sort(key=lambda r: r.id)
        busiest = rng.choice(ended_visible)
        long_talks = {busiest.id, *(r.id for r in rng.sample(ended_visible, 4))}
        forced_live = forced_recent = False
        for record in sorted(records, key=lambda r: (r.start_time, r.id)):
            size = (
                BUSIEST_PARTICIPANTS + rng.randint(0, 12)
                if record is busiest
                else rng.choices(
                    # 1:1s and small syncs, team meetings, and larger reviews/all-hands.
                    # Most are team-sized, so a dashboard page of recent meetings is full.
                    (rng.randint(1, 4), rng.randint(6, 18), rng.randint(19, 60)),
                    weights=(12, 53, 35),
                )[0]
            )
            self._participants(record, size, many_sessions=record is busiest)
            recent = record.end_time is not None and self.now - record.end_time < HOUR
            force = (record.is_live and not forced_live) or (recent and not forced_recent)
            forced_live = forced_live or record.is_live
            forced_recent = forced_recent or recent
            self._artifacts(record, force=force or record is busiest, long=record.id in long_talks)

    def _participants(self, record: ConferenceRecord, size: int, *, many_sessions: bool) -> None:
        rng = self.rng
        start = record.start_time
        end = record.end_time if record.end_time is not None else self.now
        signed_in = rng.sample(self.people, min(len(self.people), size))
        for index in range(size):
            kind = rng.choice(_KINDS)
            if index == 0:
                kind = "signedin"  # someone from the organisation opened the meeting
            user: str | None = None
            if kind == "signedin" and index < len(signed_in):
                name, user = signed_in[index]
            elif kind == "phone":
                name = self._phone()
            else:
                kind = "anonymous"
                name = self._guest_name()
            participant = Participant(
                record=record, id=self.ids.make(20), kind=kind, display_name=name, user=user
            )
            count = 9 if many_sessions and index == 5 else self._session_count()
            points = sorted(self._between(start, end) for _ in range(2 * count))
            if index == 0:
                points[0] = start  # the conference starts when its first participant joins
                points[-1] = end  # ...who stays to the end (for an ongoing one: until now)
            for i in range(count):
                leave: int | None = points[2 * i + 1]
                last = i == count - 1
                if record.is_live and last and (index == 0 or rng.random() < 0.5):
                    leave = None  # still in the call
                participant.sessions.append(
                    ParticipantSession(
                        participant=participant,
                        id=self.ids.make(22),
                        start_time=points[2 * i],
                        end_time=leave,
                    )
                )
            participant.finish()
            record.participants.append(participant)

    def _session_count(self) -> int:
        return self.rng.choice(_SESSION_COUNTS)

    def _phone(self) -> str:
        rng = self.rng
        tail = f"{rng.randrange(100):02d}"
        return rng.choice(
            (
                f"+1 {rng.randrange(200, 999)}-***-**{tail}",
                f"+44 20 ****-**{tail}",
                f"+49 30 *****{tail}",
                f"+81 3-****-**{tail}",
            )
        )

    def _guest_name(self) -> str:
        rng = self.rng
        first = rng.choice(FIRST_NAMES)
        return rng.choice((first, f"{first} {rng.choice(LAST_NAMES)[0]}.", f"{first} (guest)"))

    def _artifacts(self, record: ConferenceRecord, *, force: bool, long: bool) -> None:
        rng = self.rng
        start = record.start_time
        end = record.end_time if record.end_time is not None else self.now
        n_rec = 1 if force else rng.choices((0, 1, 2), weights=(55, 35, 10))[0]
        n_tr = 1 if force or long else rng.choices((0, 1, 2), weights=(50, 40, 10))[0]
        for s, e, state in self._windows(record, start, end, n_rec):
            record.recordings.append(
                Recording(
                    record=record,
                    id=self.ids.make(28),
                    state=state,
                    start_time=s,
                    end_time=e if state != "STARTED" else None,
                    file_id="1" + self.ids.make(32),
                )
            )
        for s, e, state in self._windows(record, start, end, n_tr):
            transcript = Transcript(
                record=record,
                id=self.ids.make(28),
                state=state,
                start_time=s,
                end_time=e if state != "STARTED" else None,
                document_id="1" + self.ids.make(43),
            )
            count = rng.randint(220, 420) if long else rng.randint(3, 30)
            self._entries(transcript, s, e, count)
            record.transcripts.append(transcript)

    def _windows(
        self, record: ConferenceRecord, start: int, end: int, count: int
    ) -> list[tuple[int, int, ArtifactState]]:
        """`count` back-to-back artifact sessions inside the conference, with their states.

        Only the last one of an ongoing conference is still STARTED; artifacts of a
        conference that ended under an hour ago are still ENDED (file not generated yet).
        """
        if count == 0:
            return []
        rng = self.rng
        span = (end - start) // count
        windows: list[tuple[int, int, ArtifactState]] = []
        recent = record.end_time is not None and self.now - end < HOUR
        for i in range(count):
            s = self._precise(start + i * span + rng.randint(5 * NS, max(5 * NS, span // 10)))
            e = self._precise(start + (i + 1) * span - rng.randint(NS, max(NS, span // 10)))
            e = max(e, s + NS)
            state: ArtifactState = "FILE_GENERATED"
            if record.is_live and i == count - 1:
                state, e = "STARTED", end
            elif recent or (record.is_live and rng.random() < 0.5):
                state = "ENDED"
            windows.append((s, e, state))
        return windows

    def _entries(self, transcript: Transcript, start: int, end: int, count: int) -> None:
        rng = self.rng
        participants = transcript.record.participants
        speakers = rng.sample(participants, min(len(participants), rng.randint(2, 6)))
        # The first speakers talk most: speaker i appears (len - i) times in the pool.
        pool = [p for i, p in enumerate(speakers) for _ in range(len(speakers) - i)]
        slot = max((end - start) // count, NS)
        for i in range(count):
            s = self._precise(start + i * slot + rng.randint(0, slot // 5))
            e = max(self._precise(start + i * slot + (slot * 9) // 10), s + 1)
            transcript.entries.append(
                TranscriptEntry(
                    transcript=transcript,
                    id=self.ids.make(24),
                    participant=rng.choice(pool),
                    text=self._sentence(),
                    language_code=rng.choice(_LANGUAGES),
                    start_time=s,
                    end_time=e,
                )
            )

    def _sentence(self) -> str:
        rng = self.rng
        return f"{rng.choice(OPENERS)} {rng.choice(TOPICS)}. {rng.choice(CLOSERS)}".strip()
