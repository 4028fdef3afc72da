"""The lean resolve functions give resolvers exactly what Strawberry's would.

One small schema with resolvers of every argument shape the gateway uses (and a
few it does not yet) is built twice, once with the lean resolve functions
installed, and the same operations run on both: each resolver records what it
was called with, and the records, data and errors must be the same.
"""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.permission import BasePermission
from strawberry.relay import GlobalID
from strawberry.types import Info

from schema import build_schema
from schema.lean_resolvers import install_lean_resolvers

CALLS: list[tuple[str, dict[str, Any]]] = []


def _seen(name: str, **values: Any) -> str:
    CALLS.append((name, {k: (type(v).__name__, repr(v)) for k, v in values.items()}))
    return name


@strawberry.enum
class Kind(enum.Enum):
    SHORT = "short"
    LONG = "long"


@strawberry.input
class Window:
    start: int
    kinds: list[Kind] = strawberry.field(default_factory=list)
    label: str | None = None


class Never(BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Item:
    name: str

    @strawberry.field
    async def paged(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> str | None:
        assert info.field_name == "paged"
        return _seen("paged", self=self.name, first=first, after=after)

    @strawberry.field
    def plain(self, flag: bool, ratio: float = 0.5, text: str = "x") -> str | None:
        return _seen("plain", self=self.name, flag=flag, ratio=ratio, text=text)

    @strawberry.field
    def shaped(
        self,
        window: Window | None = None,
        kind: Kind = Kind.SHORT,
        ids: list[GlobalID] | None = None,
        one: GlobalID | None = None,
    ) -> str | None:
        return _seen("shaped", window=window, kind=kind, ids=ids, one=one)

    @strawberry.field
    def maybe(self, note: strawberry.Maybe[str | None] = None) -> str | None:
        return _seen("maybe", note=note)

    @strawberry.field
    @staticmethod
    def by_root(root: Item, count: int = 1) -> str | None:
        return _seen("by_root", root=root.name, count=count)

    @strawberry.field
    @staticmethod
    def by_parent(parent: strawberry.Parent[Item], info: Info) -> str | None:
        return _seen("by_parent", parent=parent.name, field=info.field_name)

    @strawberry.field(permission_classes=[Never])
    def guarded(self) -> str | None:
        return _seen("guarded")


@strawberry.type
class Query:
    @strawberry.field
    async def items(self, names: list[str]) -> list[Item]:
        _seen("items", names=names)
        return [Item(name=n) for n in names]


DOCUMENT = """
query($w: Window, $after: String, $note: String) {
  items(names: ["a", "b"]) {
    name
    first: paged(first: 2, after: $after)
    none: paged
    plain(flag: true, ratio: 2)
    texted: plain(flag: false, text: "y")
    shaped(window: $w, kind: LONG, ids: ["SXRlbToxMjM=", "SXRlbTo0NTY="], one: "SXRlbTo3ODk=")
    bare: shaped
    bad: shaped(one: "not a global id")
    maybe(note: $note)
    unset: maybe
    nulled: maybe(note: null)
    byRoot(count: 3)
    byParent
    guarded
  }
}
"""

VARIABLES: list[dict[str, Any]] = [
    {},
    {"w": {"start": 4, "kinds": ["LONG", "SHORT"]}, "after": "c2", "note": "n"},
    {"w": {"start": 0, "label": None}, "after": None, "note": None},
]


def _schema(lean: bool) -> tuple[strawberry.Schema, int]:
    schema = strawberry.Schema(query=Query)
    replaced = install_lean_resolvers(schema._schema, schema.schema_converter) if lean else 0
    return schema, replaced


def _run(schema: strawberry.Schema, variables: dict[str, Any]) -> tuple[Any, Any, Any]:
    CALLS.clear()
    result = asyncio.run(schema.execute(DOCUMENT, variable_values=variables))
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return result.data, errors, sorted(CALLS, key=repr)


def test_lean_resolvers_give_what_strawberry_gives() -> None:
    stock, _ = _schema(lean=False)
    lean, replaced = _schema(lean=True)
    assert replaced == 7  # items, paged, plain, shaped, maybe, byRoot, byParent; not guarded
    for variables in VARIABLES:
        expected = _run(stock, variables)
        data, errors, calls = expected
        assert data is not None
        assert len(errors) == 4  # the bad GlobalID and the guarded field, twice each
        assert {name for name, _ in calls} == {
            "items",
            "paged",
            "plain",
            "shaped",
            "maybe",
            "by_root",
            "by_parent",
        }
        assert _run(lean, variables) == expected


def test_a_field_with_extensions_keeps_strawberrys_resolver() -> None:
    lean, _ = _schema(lean=True)
    item = lean._schema.type_map["Item"]
    assert isinstance(item, GraphQLObjectType)
    kinds = {name: field.resolve.__qualname__ for name, field in item.fields.items()}  # type: ignore[union-attr]
    assert "lean_resolver" in kinds["paged"]
    assert "lean_resolver" not in kinds["guarded"]
    result = asyncio.run(lean.execute('{ items(names: ["a"]) { guarded } }'))
    assert result.errors is not None
    assert result.errors[0].message == "not allowed"


def test_the_gateway_schema_uses_them_for_its_resolvers() -> None:
    schema = build_schema()
    subscription = schema._schema.subscription_type
    lean, stock = [], []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            qualname = getattr(field.resolve, "__qualname__", "")
            if "lean_resolver" in qualname:
                lean.append(f"{graphql_type.name}.{name}")
            elif field.resolve is not None and not getattr(field.resolve, "_is_default", False):
                stock.append(f"{graphql_type.name}.{name}")
    assert "Participant.sessions" in lean
    assert "Query.conferenceRecords" in lean
    assert all(name.startswith(f"{subscription.name}.") for name in stock), stock
