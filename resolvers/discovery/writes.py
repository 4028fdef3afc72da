"""Session writes: create, update (mask derived from the fields given) and delete.

Each write keeps the request's loaders truthful afterwards (`remember`/`forget`),
so a later field of the same operation never reads a stale cached session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from resolvers.discovery import models
from resolvers.discovery.loaders import DiscoveryLoaders
from resolvers.discovery.names import check_parent, check_session_id, check_session_name
from resolvers.errors import bad_input

__all__ = ["UPDATABLE", "NewSession", "create_session", "delete_session", "update_session"]

# Upstream (camelCase) mask paths the gateway lets clients change.
UPDATABLE = ("displayName", "labels", "isPinned")
_DEFAULTS: dict[str, Any] = {"displayName": "", "labels": [], "isPinned": False}
_MAX_LABELS = 64


@dataclass(frozen=True)
class NewSession:
    """A session to create; `parent` None means the configured default parent."""

    parent: str | None = None
    display_name: str | None = None
    user_pseudo_id: str | None = None
    labels: Sequence[str] | None = None
    is_pinned: bool | None = None
    session_id: str | None = None


def _check_labels(labels: Sequence[str] | None) -> None:
    if labels is not None and len(labels) > _MAX_LABELS:
        raise bad_input(f"`labels` takes at most {_MAX_LABELS} labels", field="labels")


async def create_session(loaders: DiscoveryLoaders, new: NewSession) -> models.Session:
    """POST a session (never `name`: the server builds it) and prime the loaders with it."""
    parent = check_parent(new.parent) if new.parent is not None else loaders.default_parent
    session_id = check_session_id(new.session_id) if new.session_id is not None else None
    _check_labels(new.labels)
    fields = {
        "displayName": new.display_name,
        "userPseudoId": new.user_pseudo_id,
        "labels": list(new.labels) if new.labels is not None else None,
        "isPinned": new.is_pinned,
    }
    body = {key: value for key, value in fields.items() if value is not None}
    session = await loaders.client.create(parent, body, session_id)
    loaders.remember(session)
    return session


async def update_session(
    loaders: DiscoveryLoaders, name: str, changes: Mapping[str, Any]
) -> models.Session:
    """PATCH only the given fields: the mask names exactly the keys of `changes`.

    A value of None clears the field to its default. With no changes nothing is
    sent: an empty mask would mean "update every field" upstream.
    """
    check_session_name(name)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise bad_input(f"cannot update {sorted(unknown)}", field="input")
    if not changes:
        raise bad_input(
            "Give at least one of displayName, labels, isPinned to change", field="input"
        )
    _check_labels(changes.get("labels"))
    mask = [path for path in UPDATABLE if path in changes]
    body = {path: _DEFAULTS[path] if changes[path] is None else changes[path] for path in mask}
    session = await loaders.client.patch(name, body, mask)
    loaders.remember(session)
    return session


async def delete_session(loaders: DiscoveryLoaders, name: str) -> None:
    check_session_name(name)
    await loaders.client.delete(name)
    loaders.forget(name)
