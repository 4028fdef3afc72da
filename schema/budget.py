"""The upstream-call budget, checked before an operation runs.

`CallEstimator` reads the operation (document plus variables) and bounds the
upstream calls it can make, without making any:

- a connection field costs its pages: `ceil((n + 1) / P)` calls for a page of
  `n` (the gateway peeks one item past the window; `n` is `first`/`last`, else
  the default page size, and `first: 0` still reads one page for the total),
  one more with a cursor (the page it points into may be read again), one more
  when paging backwards (the total first), one more on offset-paged upstreams
  (a peek where no total is reported). The merged `sessions` timeline pages
  every provider.
- every other field with an async resolver (by-name lookups, detail reads,
  totals) costs one call per parent object;
- `node` costs one, `nodes(ids)` and `_entities(representations)` one per item.

Child costs multiply by how many parents there can be: a connection's `edges`
and `nodes` hold up to `n`, other lists up to the maximum page size. The sum
over every branch (fragments on several types included) is an upper bound;
the loaders' de-duplication only makes the real count smaller. A few reads are
shared by a whole parent object (a conversation's answer details serve all of
its turns); `_PER_ANCESTOR` says so, keeping the bound tight where it matters.

`UpstreamCallGuard` refuses an operation over the budget with
QUERY_TOO_COMPLEX before any upstream call, and runs the others under the
operation's deadline and run-time call counter (resolvers/deadline.py,
resolvers/budget.py).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import strawberry
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_list_type,
    is_non_null_type,
)
from strawberry.extensions import SchemaExtension

from resolvers.budget import operation_budget, over_budget
from resolvers.deadline import operation_deadline
from resolvers.registry import SPECS

__all__ = ["BudgetLimits", "CallEstimator", "UpstreamCallGuard", "warm_estimator"]

_UPSTREAM_PAGE = 100  # the smallest maximum page size among the upstreams' list calls
# Reads shared by every object under one ancestor: (type, field) -> ancestor type.
_PER_ANCESTOR = {
    ("Turn", "detailedAnswer"): "Conversation",
    ("Turn", "detailedAssistAnswer"): "Conversation",
    # A participant's sessions all name that participant.
    ("ParticipantSession", "participant"): "Participant",
    ("ParticipantSession", "displayName"): "Participant",
    ("ParticipantSession", "userId"): "Participant",
}
# Connections over page numbers (RealtimeKit): without a reported total, one more peek.
_OFFSET_PAGED = frozenset({"RealtimeSessionConnection", "RealtimeParticipantConnection"})
# Root fields that page several upstreams at once.
_FAN_OUT = {("Query", "sessions"): len(SPECS)}
# Root fields that cost one call per item of a list argument.
_PER_ITEM = {("Query", "nodes"): "ids", ("Query", "_entities"): "representations"}


@dataclass(frozen=True)
class BudgetLimits:
    """The budget and the paging limits its estimate depends on."""

    max_upstream_calls: int = 500
    operation_timeout: float = 10.0
    default_page_size: int = 20
    max_page_size: int = 100


@dataclass(frozen=True)
class _Level:
    """One object level of the walk: its type and how many such objects there can be."""

    type_name: str
    count: int


_MEMO_SIZE = 1024
_SORTED = orjson.OPT_SORT_KEYS


class CallEstimator:
    """Worst-case upstream calls of an operation, from its document and variables."""

    def __init__(
        self, schema: GraphQLSchema, async_fields: frozenset[tuple[str, str]], limits: BudgetLimits
    ) -> None:
        self._schema = schema
        self._async = async_fields
        self._limits = limits
        # Estimates by (document, operation, variables): a pure function of the three,
        # and clients send the same few documents again and again (the walk was ~0.1 ms
        # of the attendance page). Parsed documents are shared by the parse cache, so
        # the document's identity is its text; it is kept beside its entry.
        self._memo: OrderedDict[tuple[int, str | None, bytes], tuple[DocumentNode, int]] = (
            OrderedDict()
        )

    @classmethod
    def for_schema(cls, schema: strawberry.Schema, limits: BudgetLimits) -> CallEstimator:
        """Finds every field whose resolver is async (it may call an upstream)."""
        names = schema.config.name_converter
        found: set[tuple[str, str]] = set()
        for type_name, concrete in schema.schema_converter.type_map.items():
            fields = getattr(concrete.definition, "fields", None) or []
            for field in fields:
                if getattr(field, "is_async", False):
                    found.add((type_name, names.get_graphql_name(field)))
        return cls(schema._schema, frozenset(found), limits)

    def estimate(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        try:
            key = (id(document), operation_name, orjson.dumps(variables, option=_SORTED))
        except TypeError:  # not JSON (variables come from JSON; a caller may differ)
            return self._estimate(document, operation_name, variables)
        memo = self._memo.get(key)
        if memo is not None and memo[0] is document:
            self._memo.move_to_end(key)
            return memo[1]
        estimate = self._estimate(document, operation_name, variables)
        self._memo[key] = (document, estimate)
        if len(self._memo) > _MEMO_SIZE:
            self._memo.popitem(last=False)
        return estimate

    def _estimate(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        operation = _operation(document, operation_name)
        if operation is None:
            return 0
        root = self._schema.get_root_type(operation.operation)
        if root is None:
            return 0
        walk = _Walk(self, document, variables or {})
        return walk.selections(root, operation.selection_set, (_Level(root.name, 1),), None)

    def is_async(self, parent: GraphQLNamedType, field: str) -> bool:
        if is_abstract_type(parent):
            possible = self._schema.get_possible_types(parent)
            return any((t.name, field) in self._async for t in possible)
        return (parent.name, field) in self._async


class _Walk:
    """One estimate: the document's fragments and the request's variables."""

    def __init__(
        self, estimator: CallEstimator, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self._est = estimator
        self._limits = estimator._limits
        self._schema = estimator._schema
        self._variables = variables
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._visiting: set[str] = set()

    def selections(
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode | None,
        levels: tuple[_Level, ...],
        page: int | None,
    ) -> int:
        """Calls made under `selection_set` for all `levels[-1].count` parents."""
        total = 0
        for node, on_type in self._fields(parent, selection_set):
            total += self._field(on_type, node, levels, page)
        return total

    def _fields(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        for selection in selection_set.selections if selection_set else ():
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(self._on(selection, parent), selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is None or name in self._visiting:
                    continue
                self._visiting.add(name)
                yield from self._fields(self._on(fragment, parent), fragment.selection_set)
                self._visiting.discard(name)

    def _on(
        self, fragment: InlineFragmentNode | FragmentDefinitionNode, parent: GraphQLNamedType
    ) -> GraphQLNamedType:
        condition = fragment.type_condition
        found = self._schema.get_type(condition.name.value) if condition else None
        return found or parent

    def _field(
        self,
        parent: GraphQLNamedType,
        node: FieldNode,
        levels: tuple[_Level, ...],
        page: int | None,
    ) -> int:
        name = node.name.value
        fields = getattr(parent, "fields", None)
        if name.startswith("__") or not fields or name not in fields:
            return 0
        definition = fields[name]
        target = get_named_type(definition.type)
        count = levels[-1].count
        key = (parent.name, name)
        if target.name.endswith("Connection"):
            n = self._page_size(node)
            calls = count * self._pages(node, n, target) * _FAN_OUT.get(key, 1)
            inner = (*levels, _Level(target.name, count))
            return calls + self.selections(target, node.selection_set, inner, n)
        own, children = self._own_calls(parent, node, levels)
        if _is_list(definition.type):
            children *= page if page is not None else self._list_bound(node, key)
        if not node.selection_set:
            return own
        inner = (*levels, _Level(target.name, children))
        return own + self.selections(target, node.selection_set, inner, None)

    def _own_calls(
        self, parent: GraphQLNamedType, node: FieldNode, levels: tuple[_Level, ...]
    ) -> tuple[int, int]:
        """(calls this field makes, objects it yields before any list multiplier)."""
        name, count = node.name.value, levels[-1].count
        key = (parent.name, name)
        if key in _PER_ITEM:
            return count * self._list_bound(node, key), count
        if not self._est.is_async(parent, name):
            return 0, count
        ancestor = _PER_ANCESTOR.get(key)
        for level in reversed(levels):
            if ancestor is not None and level.type_name == ancestor:
                return level.count, count
        return count, count

    def _pages(self, node: FieldNode, n: int, connection: GraphQLNamedType) -> int:
        # The window plus the one item peeked past it, in upstream pages; a cursor may
        # point into a page that is read again; paging backwards asks for the total
        # first; offset paging peeks once more where the upstream reports no total.
        pages = math.ceil((n + 1) / _UPSTREAM_PAGE)
        if self._argument(node, "after") is not None or self._argument(node, "before") is not None:
            pages += 1
        if self._argument(node, "last") is not None:
            pages += 1
        if connection.name in _OFFSET_PAGED:
            pages += 1
        return pages

    def _page_size(self, node: FieldNode) -> int:
        for argument in ("first", "last"):
            value = self._argument(node, argument)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, min(value, self._limits.max_page_size))
        return self._limits.default_page_size

    def _list_bound(self, node: FieldNode, key: tuple[str, str]) -> int:
        argument = _PER_ITEM.get(key)
        if argument is not None:
            value = self._argument(node, argument)
            return len(value) if isinstance(value, list) else 1
        return self._limits.max_page_size

    def _selects(self, node: FieldNode, parent: GraphQLNamedType, field: str) -> bool:
        return any(f.name.value == field for f, _ in self._fields(parent, node.selection_set))

    def _argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return self._value(argument.value)
        return None

    def _value(self, value: Any) -> Any:
        if isinstance(value, VariableNode):
            return self._variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            return list(value.values)
        return getattr(value, "value", None)

    def _included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            condition = self._argument_of(directive, "if")
            if directive.name.value == "skip" and condition is True:
                return False
            if directive.name.value == "include" and condition is False:
                return False
        return True

    def _argument_of(self, directive: Any, name: str) -> Any:
        for argument in directive.arguments or ():
            if argument.name.value == name:
                return self._value(argument.value)
        return None


def _is_list(type_: Any) -> bool:
    return is_list_type(type_.of_type if is_non_null_type(type_) else type_)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


class UpstreamCallGuard(SchemaExtension):
    """Refuses over-budget operations; runs the rest under a deadline and a call counter."""

    def __init__(self, limits: BudgetLimits) -> None:
        self._limits = limits

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        limit = self._limits.max_upstream_calls
        document = context.graphql_document
        if document is not None and context.result is None:
            estimate = _estimator(context.schema, self._limits).estimate(
                document, context.operation_name, context.variables
            )
            if estimate > limit:
                error = over_budget(limit, estimate=estimate)
                context.result = ExecutionResult(
                    data=None,
                    errors=[GraphQLError(error.message, original_error=error)],
                )
        with operation_deadline(self._limits.operation_timeout), operation_budget(limit):
            yield


_ESTIMATORS: dict[tuple[int, BudgetLimits], CallEstimator] = {}


def warm_estimator(schema: strawberry.Schema, limits: BudgetLimits) -> None:
    """Build the schema's estimator now, while the schema is built, not on a request."""
    _estimator(schema, limits)


def _estimator(schema: strawberry.Schema, limits: BudgetLimits) -> CallEstimator:
    # Finding the async fields walks the whole schema: once per schema and limits.
    key = (id(schema), limits)
    if key not in _ESTIMATORS:
        _ESTIMATORS[key] = CallEstimator.for_schema(schema, limits)
    return _ESTIMATORS[key]
