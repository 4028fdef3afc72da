"""Webhook receivers over HTTP (in-process): verification, acknowledgement, de-duplication.

"Nothing published" is shown by ordering, not by waiting: after a refused
delivery a valid one is posted, and the first event the fan-out holds is the
valid one.
"""

from __future__ import annotations

import gzip

import httpx
import jwt
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette

from app.asgi import create_app
from app.emulators import EmulatorHub
from app.emulators.config import DEMO_CREDENTIALS
from app.emulators.live.keys import DEMO_PUSH, emulator_keys
from app.emulators.live.signing import meet_push, realtimekit_webhook, stream_webhook
from app.settings import Settings
from resolvers.errors import Provider
from resolvers.events import EventKind
from resolvers.stream.webhook import sign
from resolvers.timestamps import Instant
from tests.live.helpers import next_event, post, published, realtimekit_joined, stream_joined

SESSION = ("development", "sync-0003", "557820e3-ffcc-44ec-b623-003abb242e24")
PS_NAME = "conferenceRecords/cr1/participants/p1/participantSessions/ps1"
NOW = Instant.parse("2026-11-01T12:00:00Z")


@pytest.fixture
async def app(settings: Settings, hub: EmulatorHub) -> Starlette:
    application = create_app(settings, hub=hub)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
        yield c


def joined_push(**token_claims: object) -> object:
    token = emulator_keys().push_token(**token_claims) if token_claims else None  # type: ignore[arg-type]
    return meet_push(
        "participant.v2.joined",
        {"participantSession": {"name": PS_NAME}},
        occurred=NOW.ns,
        space="spaces/abc",
        token=token,
    )


async def test_a_signed_stream_join_is_acknowledged_and_published_with_its_attendance(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    request = stream_webhook(stream_joined(*SESSION), webhook_id="delivery-1")
    async with published(app) as events:
        response = await post(client, request)
        event = await next_event(events)
    assert response.status_code == 204
    assert event.id == "stream:delivery-1"
    assert (event.kind, event.provider) == (EventKind.PARTICIPANT_JOINED, Provider.STREAM_VIDEO)
    assert event.occurred_at == Instant.parse("2026-11-01T12:00:05.142187951Z")
    assert event.session.type_name == "CallSession"
    assert event.attendance is not None
    assert event.attendance_wire is not None
    assert event.attendance_wire["user_id"] == "alice"
    assert event.attendance_wire["display_name"] == "Alice"
    assert event.session_wire is None  # a join carries no session times: loaded later


async def test_stream_gzip_bodies_are_verified_over_the_uncompressed_json(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    request = stream_webhook(stream_joined(*SESSION), compress=True, webhook_id="gz-1")
    signed_gzip = stream_webhook(stream_joined(*SESSION, user="bob"), webhook_id="gz-2")
    # A signature computed over the gzip bytes (not the JSON) must be refused.
    wrong = await post(
        client,
        signed_gzip,
        body=gzip.compress(signed_gzip.body),
        headers={"X-Signature": stream_webhook({}, webhook_id="x").headers["X-Signature"]},
    )
    async with published(app) as events:
        response = await post(client, request)
        event = await next_event(events)
    assert wrong.status_code == 401
    assert response.status_code == 204
    assert event.id == "stream:gz-1"


async def test_a_bad_stream_signature_is_401_and_publishes_nothing(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    forged = stream_webhook(stream_joined(*SESSION, user="mallory"), secret="not-the-secret")
    unsigned = stream_webhook(stream_joined(*SESSION, user="eve"))
    async with published(app) as events:
        refused = await post(client, forged)
        missing = await post(client, unsigned, headers={"X-Signature": ""})
        await post(client, stream_webhook(stream_joined(*SESSION), webhook_id="good"))
        event = await next_event(events)
    assert refused.status_code == 401
    assert missing.status_code == 401
    assert DEMO_CREDENTIALS.stream_api_secret not in refused.text
    assert event.id == "stream:good"
    assert events.queue.empty()


async def test_the_same_delivery_twice_is_published_once(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    request = stream_webhook(stream_joined(*SESSION), webhook_id="retried")
    async with published(app) as events:
        first = await post(client, request)
        retry = await post(client, request, headers={"X-Webhook-Attempt": "2"})
        await post(client, stream_webhook(stream_joined(*SESSION), webhook_id="after"))
        ids = [(await next_event(events)).id, (await next_event(events)).id]
    assert (first.status_code, retry.status_code) == (204, 204)
    assert ids == ["stream:retried", "stream:after"]


async def test_unknown_event_types_are_acknowledged_and_ignored_and_malformed_bodies_are_400(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    unknown = stream_webhook({"type": "call.recording_ready", "created_at": "2026-11-01T12:00:00Z"})
    async with published(app) as events:
        ignored = await post(client, unknown)
        broken = await post(client, stream_webhook({"type": "call.session_participant_joined"}))
        not_json = stream_webhook({})
        garbage = await post(
            client,
            not_json,
            body=b"{nope",
            headers={"X-Signature": sign(DEMO_CREDENTIALS.stream_api_secret, b"{nope")},
        )
        await post(client, stream_webhook(stream_joined(*SESSION), webhook_id="last"))
        event = await next_event(events)
    assert ignored.status_code == 204
    assert broken.status_code == 400
    assert garbage.status_code == 400
    assert event.id == "stream:last"


async def test_a_signed_realtimekit_join_is_published_and_a_forged_one_is_401(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    good = realtimekit_webhook(realtimekit_joined("rtk-session-1"), delivery_id="rtk-1")
    tampered = realtimekit_webhook(realtimekit_joined("rtk-session-1", peer="p2"))
    async with published(app) as events:
        forged = await post(client, tampered, body=tampered.body.replace(b"p2", b"p3"))
        unsigned = await post(client, tampered, headers={"rtk-signature": ""})
        not_base64 = await post(client, tampered, headers={"rtk-signature": "%%%"})
        response = await post(client, good)
        event = await next_event(events)
    assert (forged.status_code, unsigned.status_code, not_base64.status_code) == (401, 401, 401)
    assert response.status_code == 204
    assert event.id == "realtimekit:rtk-1"
    assert event.kind is EventKind.PARTICIPANT_JOINED
    assert event.session.key == "rtk-session-1"
    assert event.attendance is not None
    assert event.attendance.key == "rtk-session-1/peer-1"
    assert event.session_wire is not None
    assert event.session_wire["status"] == "LIVE"


async def test_a_verified_meet_push_is_published(app: Starlette, client: httpx.AsyncClient) -> None:
    async with published(app) as events:
        response = await post(client, joined_push())
        event = await next_event(events)
    assert response.status_code == 204
    assert event.kind is EventKind.PARTICIPANT_JOINED
    assert event.provider is Provider.GOOGLE_MEET
    assert event.session.key == "conferenceRecords/cr1"
    assert event.attendance is not None
    assert event.attendance.key == PS_NAME
    assert event.occurred_at == NOW


@pytest.mark.parametrize(
    "claims",
    [
        {"now": 1_000_000, "lifetime_s": 60},  # expired long ago
        {"audience": "https://someone-else.example/push"},
        {"email": "intruder@evil.iam.gserviceaccount.com"},
        {"email_verified": False},
        {"issuer": "https://issuer.example"},
    ],
    ids=["expired", "wrong-audience", "wrong-service-account", "unverified-email", "wrong-issuer"],
)
async def test_meet_push_tokens_failing_a_check_are_401_and_publish_nothing(
    app: Starlette, client: httpx.AsyncClient, claims: dict[str, object]
) -> None:
    async with published(app) as events:
        refused = await post(client, joined_push(**claims))
        await post(client, stream_webhook(stream_joined(*SESSION), webhook_id="after-meet"))
        event = await next_event(events)
    assert refused.status_code == 401
    assert event.id == "stream:after-meet"


async def test_meet_push_without_a_token_or_signed_by_another_key_is_401(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {
        "aud": DEMO_PUSH.audience,
        "iss": DEMO_PUSH.issuer,
        "email": DEMO_PUSH.service_account,
        "email_verified": True,
        "exp": 4_000_000_000,
    }
    forged = jwt.encode(
        claims, other, algorithm="RS256", headers={"kid": emulator_keys().google_kid}
    )
    request = joined_push()
    none = await post(client, request, headers={"Authorization": ""})
    other_key = await post(client, request, headers={"Authorization": f"Bearer {forged}"})
    hs256 = jwt.encode(claims, "a-symmetric-key-that-is-long-enough-0123", algorithm="HS256")
    symmetric = await post(client, request, headers={"Authorization": f"Bearer {hs256}"})
    assert (none.status_code, other_key.status_code, symmetric.status_code) == (401, 401, 401)


async def test_meet_envelopes_unknown_types_and_garbage(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    recording = meet_push(
        "recording.v2.fileGenerated",
        {"recording": {"name": "conferenceRecords/c/recordings/r"}},
        occurred=NOW.ns,
        space="spaces/abc",
    )
    garbage = joined_push()
    ignored = await post(client, recording)
    broken = await post(client, garbage, body=b'{"message": 3}')
    bad_name = meet_push(
        "participant.v2.joined",
        {"participantSession": {"name": "../etc"}},
        occurred=NOW.ns,
        space="spaces/abc",
    )
    invalid = await post(client, bad_name)
    assert ignored.status_code == 204
    assert broken.status_code == 400
    assert invalid.status_code == 400
    assert orjson.loads(invalid.content)["error"]
