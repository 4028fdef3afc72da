"""The executor's field shortcuts answer exactly as graphql-core does.

Every document runs twice, on the gateway's execution context and on
Strawberry's stock one, over values built to reach each way out of a shortcut:
nulls on non-null fields (and their bubbling), attributes that raise, values
that do not coerce, awaitables and exceptions held in attributes, enums, custom
scalars, aliases, fragments, directives, interfaces and lists. Data and errors
(message, path, locations) must be identical, with and without field middleware
(which turns the shortcuts off). The last test does the same
through the real app for the benchmark's documents.
"""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.settings import Settings
from bench.scenarios import CALLS, CONVERSATIONS, MEET_DASHBOARD, REALTIME, timeline_query
from resolvers.timestamps import Instant
from schema.compiled_selection import SelectionCompiler
from schema.execution import _PLANS, GatewayExecutionContext
from schema.field_plans import PlanKind
from schema.scalars import SCALAR_OVERRIDES
from tests.conftest import GraphQL


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Leaf(Named):
    value: int | None
    strict: int
    color: Color | None
    loud: Instant | None  # the gateway's DateTime scalar

    @strawberry.field
    async def boom(self) -> str:
        """Non-null and async: fails for names starting with `x`, inside a list's items."""
        await asyncio.sleep(0)
        if self.name.startswith("x"):
            raise ValueError(f"boom on {self.name}")
        return self.name


class Broken:
    """Attributes that fail when read, like a property over missing data."""

    @property
    def name(self) -> str:
        raise RuntimeError("name unavailable")

    value = None
    strict = None  # non-null: a field error that bubbles
    color = "green"  # not a Color: fails to coerce
    loud = "not an instant"


@strawberry.type
class Holder:
    title: str | None
    leaf: Leaf | None
    must: Leaf
    leaves: list[Leaf | None]
    named: Named | None
    count: int | None
    strict_leaves: list[Leaf]
    tags: list[str]
    colors: list[Color] | None

    @strawberry.field
    async def later(self) -> Leaf | None:
        await asyncio.sleep(0)
        return self.leaf


def _leaf(name: str, value: int | None = 1, strict: Any = 2) -> Leaf:
    return Leaf(name=name, value=value, strict=strict, color=Color.RED, loud=Instant(1_500_000))


def _holder(**overrides: Any) -> Holder:
    values: dict[str, Any] = {
        "title": "t",
        "leaf": _leaf("a"),
        "must": _leaf("b"),
        "leaves": [_leaf("c"), None, _leaf("d", value=None)],
        "named": _leaf("e"),
        "count": 3,
        "strict_leaves": [_leaf("g"), _leaf("h")],
        "tags": ["a", "b"],
        "colors": [Color.RED, Color.BLUE],
    }
    values.update(overrides)
    return Holder(**values)


@strawberry.type
class Shelf:
    """Lists of objects holding lists of objects: whole sub-selections of basic fields."""

    holders: list[Holder]
    spare: Holder | None


def _shelf(*holders: Holder) -> Shelf:
    return Shelf(holders=list(holders), spare=holders[0] if holders else None)


async def _coroutine_value() -> int:
    return 7


@strawberry.type
class Query:
    @strawberry.field
    def good(self) -> Holder:
        return _holder()

    @strawberry.field
    def broken_leaf(self) -> Holder:
        return _holder(leaf=Broken())

    @strawberry.field
    def broken_must(self) -> Holder | None:
        return _holder(must=Broken())

    @strawberry.field
    def null_must(self) -> Holder | None:
        return _holder(must=None)

    @strawberry.field
    def odd_values(self) -> Holder:
        # A count that is no Int, a title that is an object, a leaf list holding junk.
        return _holder(count="many", title=object(), leaves=[Broken(), _leaf("f")])

    @strawberry.field
    def bad_items(self) -> Holder | None:
        # A non-null field failing in a non-null item of a non-null list, a null item in
        # a list of non-null items, a tag that is no String, a colour that is no Color.
        return _holder(
            strict_leaves=[_leaf("i"), _leaf("j", strict=None)],
            leaves=[_leaf("k", strict=None), _leaf("l")],
            tags=["a", object()],
            colors=[Color.RED, "green"],
        )

    @strawberry.field
    def null_items(self) -> Holder | None:
        return _holder(strict_leaves=[_leaf("m"), None], tags=[None], colors=None)

    @strawberry.field
    def async_failures(self) -> Holder | None:
        return _holder(strict_leaves=[_leaf("n"), _leaf("x1")], leaves=[_leaf("x2"), None])

    @strawberry.field
    def shelf(self) -> Shelf:
        return _shelf(_holder(), _holder(title=None, colors=None), _holder())

    @strawberry.field
    def bad_shelf(self) -> Shelf | None:
        # Deep in the second holder: a non-null leaf null in an item of a non-null list,
        # a leaf that raises, a colour that is no Color; the third holder is fine.
        return _shelf(
            _holder(),
            _holder(
                strict_leaves=[_leaf("p"), _leaf("q", strict=None)],
                leaf=Broken(),
                colors=[Color.BLUE, "green"],
            ),
            _holder(must=_leaf("r", strict="not an int")),
        )

    @strawberry.field
    def held_error(self) -> Holder:
        return _holder(title=ValueError("held"), count=_coroutine_value())


DOCUMENTS = [
    "{ good { title count __typename leaf { name value strict color loud __typename } } }",
    "{ good { a: title b: title leaf { x: name y: value } must { name } } }",
    "{ good { leaves { name value strict } named { name ... on Leaf { color } } } }",
    "{ good { ...F leaf @include(if: false) { name } must @skip(if: true) { name } } }"
    " fragment F on Holder { title leaf { ...L } } fragment L on Leaf { name loud }",
    "{ broken_leaf: brokenLeaf { title leaf { name value strict color } } }",
    "{ brokenMust { title must { value strict } } }",
    "{ nullMust { title must { name } } good { title } }",
    "{ oddValues { count title leaves { name strict } } }",
    "{ heldError { title count later { name strict } } }",
    "{ good { later { name loud } leaf { name } } }",
    "{ good { strictLeaves { name strict boom } tags colors leaves { boom } } }",
    "{ badItems { title strictLeaves { name strict } } }",
    "{ badItems { leaves { name strict } tags } }",
    "{ badItems { colors } }",
    "{ nullItems { strictLeaves { name } } }",
    "{ nullItems { tags colors } }",
    "{ asyncFailures { strictLeaves { name boom } } }",
    "{ asyncFailures { leaves { name boom } title } }",
    "{ good { ... on Holder { strictLeaves { ...L } } } } fragment L on Leaf { name loud boom }",
    "{ shelf { holders { __typename title tags colors must { name strict loud color }"
    " strictLeaves { name value strict } leaves { name value } } spare { title } } }",
    "{ badShelf { holders { title strictLeaves { name strict } leaf { name } } } }",
    "{ badShelf { holders { title colors } spare { must { strict } } } }",
    "{ badShelf { holders { must { name strict } leaves { name value } } } }",
    "{ shelf { holders { leaf @include(if: true) { name } leaves { name } } } }",
    # Sub-selections that read nothing of the item: a null, an awaitable or an object of
    # another type in the list must still be seen as such.
    "{ good { leaves { __typename } } }",
    "{ nullItems { strictLeaves { __typename } } }",
    "{ oddValues { leaves { __typename } } }",
    "{ shelf { holders { leaves { __typename } } } }",
]


class Tracer(SchemaExtension):
    """Any `resolve` hook installs field middleware: then no shortcut is taken."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        return _next(root, info, *args, **kwargs)


def _schema(context: type, extensions: tuple[type[SchemaExtension], ...] = ()) -> Any:
    return strawberry.Schema(
        query=Query,
        types=[Leaf],
        execution_context_class=context,
        extensions=list(extensions),
        scalar_overrides=SCALAR_OVERRIDES,
    )


def _outcome(result: Any) -> tuple[Any, list[tuple[str, Any, Any]]]:
    errors = sorted(
        ((e.message, e.path, [(loc.line, loc.column) for loc in e.locations or []])
         for e in result.errors or []),
        key=repr,
    )  # fmt: skip
    return result.data, errors


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("extensions", [(), (Tracer,)], ids=["shortcuts", "middleware"])
async def test_same_answer_as_graphql_core(
    document: str, extensions: tuple[type[SchemaExtension], ...]
) -> None:
    stock = await _schema(StrawberryGraphQLCoreExecutionContext, extensions).execute(document)
    ours = await _schema(GatewayExecutionContext, extensions).execute(document)
    assert _outcome(ours) == _outcome(stock)
    assert ours.data is not None or ours.errors  # every document produced something


async def test_shortcut_documents_do_fail_somewhere() -> None:
    """The failing documents do fail (else the comparison above would prove little)."""
    schema = _schema(GatewayExecutionContext)
    failing = [d for d in DOCUMENTS if (await schema.execute(d)).errors]
    assert len(failing) >= 15
    # ...and the shortcuts were planned for them, so the comparison compared something.
    kinds = {key: plan.kind for key, plan in _PLANS[schema._schema].items()}
    assert kinds[("Leaf", "value")] is PlanKind.LEAF
    assert kinds[("Leaf", "loud")] is PlanKind.LEAF
    assert kinds[("Holder", "must")] is PlanKind.OBJECT
    assert kinds[("Holder", "later")] is PlanKind.SLOW  # a resolver of its own
    assert kinds[("Holder", "strictLeaves")] is PlanKind.OBJECT_LIST
    assert kinds[("Holder", "tags")] is PlanKind.LEAF_LIST


def _document(start: str) -> str:
    (found,) = [d for d in DOCUMENTS if d.startswith(start)]
    return found


async def test_whole_sub_selections_are_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shelf documents reach the one-pass completers (schema/compiled_selection.py),
    so their comparison above compared the compiled path, failures included."""
    built: list[str] = []
    original = SelectionCompiler.object

    def spy(self: SelectionCompiler, object_type: Any, grouped: Any) -> Any:
        completer = original(self, object_type, grouped)
        if completer is not None:
            built.append(object_type.name)
        return completer

    monkeypatch.setattr(SelectionCompiler, "object", spy)
    schema = _schema(GatewayExecutionContext)
    good = await schema.execute(_document("{ shelf { holders { __typename title"))
    assert good.errors is None
    assert {"Holder", "Leaf"} <= set(built)
    built.clear()
    bad = await schema.execute(_document("{ badShelf { holders { title strictLeaves"))
    assert bad.errors  # the compiled completer gave up on the second holder...
    assert "Holder" in built  # ...after being built for the list's items


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The whole dashboard is estimated over the default call budget; it makes 269 calls.
    return settings.model_copy(update={"max_upstream_calls": 100_000})


@pytest.mark.parametrize(
    "query", [MEET_DASHBOARD, REALTIME, CALLS, CONVERSATIONS, timeline_query(30)]
)
async def test_gateway_documents_unchanged(
    query: str, graphql: GraphQL, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = await graphql(query)  # data, or the helper fails on an `errors` member
    monkeypatch.setattr(GatewayExecutionContext, "execute_fields", _stock_execute_fields)
    stock = await graphql(query)
    assert ours == stock


def _stock_execute_fields(self: Any, *args: Any) -> Any:
    return StrawberryGraphQLCoreExecutionContext.execute_fields(self, *args)
