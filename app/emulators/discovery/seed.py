"""The seeded dataset: 570 sessions of 60 users under the three parent forms.

Most sessions live under the gateway's default parent (an engine); some under a
plain data store and a collection's data store. Users are skewed (a few have
dozens of sessions, so per-user listings span several pages). Turns have answers
with details, some pinned and starred sessions, labels, and three values full of
filter syntax (quotes, `OR`, `NOT`, parentheses, backslashes) for injection tests.
"""

from __future__ import annotations

import random

from app.emulators.config import EmulatorConfig
from app.emulators.discovery.store import AnswerRecord, SessionStore, StoredSession, StoredTurn
from app.settings import Settings

__all__ = [
    "DATA_STORE_PARENT",
    "DEFAULT_PARENT",
    "NESTED_DATA_STORE_PARENT",
    "TRICKY_DISPLAY_NAME",
    "TRICKY_LABEL",
    "TRICKY_USER",
    "seed_store",
]

DEFAULT_PARENT: str = Settings.model_fields["discovery_parent"].default
DATA_STORE_PARENT = "projects/sessiongraph-demo/locations/global/dataStores/support-docs"
NESTED_DATA_STORE_PARENT = (
    "projects/sessiongraph-demo/locations/global/collections/default_collection"
    "/dataStores/product-docs"
)
TRICKY_USER = 'mallory" OR user_pseudo_id = "user-001'
TRICKY_DISPLAY_NAME = 'Q3 "plan" OR (NOT draft) \\ final'
TRICKY_LABEL = 'ops") OR (labels:"vip'

_S = 1_000_000_000
_USERS = [f"user-{n:03d}" for n in range(1, 60)] + [TRICKY_USER]
_LABELS = ["billing", "onboarding", "hidden", "escalated", "vip", "beta", "internal"]
_TOPICS = [
    "How do I reset my password",
    "What is the refund policy for annual plans",
    "Compare the Standard and Enterprise editions",
    "How do I export my data to BigQuery",
    "Which regions support data residency",
    "Why was my invoice higher this month",
    "How do I add a teammate to the workspace",
    "What are the API rate limits",
    "How do I rotate service account keys",
    "Summarise the latest release notes",
    "How do I connect a Cloud Storage bucket",
    "What does grounding score mean",
]
_MODELS = ["gemini-2.5-flash/answer_gen/v1", "gemini-2.5-pro/answer_gen/v1"]
# Precision variants so 0, 3, 6 and 9 fractional digits all appear on the wire.
_FRACTIONS = [0, 250_000_000, 123_456_000, 123_456_789]


def _answer(rng: random.Random, at: int) -> AnswerRecord:
    return AnswerRecord(
        succeeded=rng.random() >= 0.05,
        doc=rng.randint(1, 40),
        grounding=round(rng.uniform(0.4, 0.99), 3),
        created=at,
        latency_ns=rng.randint(400, 4000) * 1_000_000,
        related=rng.choice(_TOPICS) + "?",
    )


def _turns(rng: random.Random, name: str, start: int) -> tuple[list[StoredTurn], int]:
    turns: list[StoredTurn] = []
    at = start
    for index in range(rng.randint(0, 30)):
        at += rng.randint(20, 300) * _S
        text = rng.choice(_TOPICS) + "?"
        turn = StoredTurn(query_id=f"{name.rsplit('/', 1)[-1]}-q{index}", text=text)
        if rng.random() < 0.85:
            turn.answer = f"{name}/answers/a{index}"
            turn.detail = _answer(rng, at)
        if rng.random() < 0.5:
            turn.query_config = {"model": rng.choice(_MODELS), "temperature": "0.2"}
        turns.append(turn)
    return turns, at


def _session(rng: random.Random, store: SessionStore, parent: str, now: int) -> StoredSession:
    name = f"{parent}/sessions/{store.new_id()}"
    created = now - rng.randint(3600, 180 * 86400) * _S + rng.choice(_FRACTIONS)
    turns, last = _turns(rng, name, created)
    weights = [30, 20, *[4] * (len(_USERS) - 3), 2]
    session = StoredSession(
        name=name,
        parent=parent,
        user_pseudo_id=rng.choices(_USERS, weights=weights)[0],
        labels=rng.sample(_LABELS, rng.choice([0, 0, 1, 1, 2, 3])),
        is_pinned=rng.random() < 0.12,
        starred=rng.random() < 0.08,
        turns=turns,
        create_time=created,
        update_time=min(now - _S, last + rng.randint(0, 3600) * _S),
    )
    # "By default, the display name is the first turn query text in the session."
    session.display_name = (turns[0].text or "") if turns else ""
    if rng.random() < 0.2:
        session.display_name = f"Research: {rng.choice(_TOPICS).lower()}"
    return session


def seed_store(config: EmulatorConfig) -> SessionStore:
    """The deterministic dataset for `config.seed`, anchored at `config.now_ns`."""
    rng = random.Random(config.seed)
    store = SessionStore(now=config.now_ns, seed=config.seed)
    now = config.now_ns
    plan = [(DEFAULT_PARENT, 520), (DATA_STORE_PARENT, 25), (NESTED_DATA_STORE_PARENT, 25)]
    for parent, count in plan:
        for _ in range(count):
            store.add(_session(rng, store, parent, now))
    # Make the filter-syntax values present, so tests can show they match exactly.
    tricky = sorted(store.under(DEFAULT_PARENT), key=lambda s: s.name)[:3]
    tricky[0].display_name = TRICKY_DISPLAY_NAME
    tricky[1].labels = [TRICKY_LABEL, "billing"]
    tricky[2].user_pseudo_id = TRICKY_USER
    return store
