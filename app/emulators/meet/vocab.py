"""Words the Meet seed draws from: people, rooms and what they say."""

from __future__ import annotations

__all__ = [
    "CLOSERS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "OPENERS",
    "ROOMS",
    "TOPICS",
]

FIRST_NAMES = (
    "Amara", "Ben", "Chiara", "Daniel", "Elif", "Farah", "Gabriel", "Hana", "Ines", "Jonas",
    "Kwame", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomás",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Aiko", "Bilal", "Carmen", "Dmitri",
    "Esther", "Felix", "Grace", "Hiroshi", "Isabel", "Jae-won", "Katarina", "Luca", "Maya",
    "Nikolai", "Olivia", "Pedro", "Rania", "Samuel", "Thandiwe", "Valentina", "William",
    "Yara", "Ahmed", "Beatriz", "Chen", "Dana", "Emeka", "Freya", "Giulia", "Hugo", "Anaïs",
    "Kofi", "Lena", "Marcus", "Noor", "Ravi", "Sofia", "Theo", "Zainab",
)  # fmt: skip

LAST_NAMES = (
    "Okafor", "Schmidt", "Rossi", "Nakamura", "Öztürk", "Haddad", "Silva", "Kowalski",
    "Dubois", "Lindqvist", "Mensah", "Karimi", "García", "Petrova", "Andersen", "Sharma",
    "Moreau", "Fernández", "Berg", "O'Connor", "Patel", "Novák", "Zhang", "Hernández",
    "Demir", "Tanaka", "Costa", "Ivanova", "Mbeki", "Johansson", "Kim", "Müller", "Nguyen",
    "Oliveira", "Park", "Quispe", "Reyes", "Sato", "Thompson", "Van der Berg", "Walsh",
    "Abiodun", "Bianchi", "Chowdhury", "Eriksen", "Fischer", "Gómez", "Horvat", "Ito",
)  # fmt: skip

ROOMS = (
    "Altostrat Room 4B", "Harbor Room", "Cymbal HQ Boardroom", "Lisbon Huddle 2",
    "Nairobi Studio", "Kyoto Focus Room", "Berlin Townhall Stage",
)  # fmt: skip

OPENERS = (
    "I think", "Quick update:", "From the design side,", "Just to confirm,", "Honestly,",
    "If I understood correctly,", "On the budget question,", "Building on that,",
    "Before we move on,", "For the record,", "Looking at the numbers,", "To be clear,",
)  # fmt: skip

TOPICS = (
    "the rollout is on track for next sprint",
    "we still need sign-off from legal on the data retention policy",
    "the latency regression came from the new cache layer",
    "customers in the pilot asked for a dark mode",
    "the migration script failed on two shards overnight",
    "we should move the launch review to Thursday",
    "the onboarding funnel dropped about four percent last week",
    "I can pair with Priya on the flaky integration tests",
    "the vendor contract renews at the end of the quarter",
    "support tickets about exports have doubled",
    "we agreed to freeze the API surface until the beta ends",
    "the accessibility audit flagged the colour contrast on charts",
    "hiring for the platform role is down to two candidates",
    "the offsite agenda is in the shared doc",
    "our error budget for the month is almost spent",
)  # fmt: skip

CLOSERS = (
    "Does that make sense?", "Any objections?", "I'll send notes after this.",
    "Let's take it offline.", "Can you share your screen?", "Sorry, you were on mute.",
    "Thanks, everyone.", "I'll follow up by Friday.", "Let's circle back next week.", "",
)  # fmt: skip
