"""A sub-selection of basic fields completed in one pass, or not at all.

The field shortcuts (schema/field_plans.py) still go through the executor once
per field: a plan lookup, a `Path`, a call per value. For a sub-selection whose
every field, all the way down, is a basic Strawberry field (leaves, objects,
lists of them, `__typename`), the answer is a function of the source object
alone, and it can be built by a tree of small closures decided once per
execution: on the 100-item attendance page, each edge's `{ node { ... } }`.

A completer returns the completed value, or `Undefined` as soon as anything is
not certain (a null where the type forbids it, a value that does not coerce,
an exception or awaitable in an attribute, an object that fails its type
check, a null list item). Then nothing it built is used: the executor runs
that object graphql-core's way (schema/execution.py), which reads the same
attributes again (basic fields read plain attributes, so a second read is
harmless) and reaches the answer or the located error graphql-core always did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLID, GraphQLObjectType, GraphQLString, Undefined
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet

from schema.field_plans import FieldPlan, PlanKind

__all__ = ["Completer", "SelectionCompiler"]

Completer = Callable[[Any], Any]  # source -> completed value, or Undefined
_Step = Callable[[Any, dict[str, Any]], bool]  # writes one entry; False = not certain

_PLAIN = frozenset({str, int, float, bool})
_SEQUENCES = frozenset({list, tuple})
# Scalars whose output coercion returns a `str` value unchanged (graphql-core's
# serialize_string / serialize_id start with exactly that).
_STR_AS_IS = frozenset({GraphQLString.name, GraphQLID.name})


def _plain_object_type(kind: type) -> bool:
    """Instances of `kind` are never awaitable nor exceptions, whatever instance it is:
    no attribute hooks or `__class__` override that could answer per instance."""
    if issubclass(kind, BaseException):
        return False
    for klass in kind.__mro__[:-1]:
        names = vars(klass)
        if "__await__" in names or "__getattr__" in names or "__class__" in names:
            return False
        if "__getattribute__" in names:
            return False
    return True


class SelectionCompiler:
    """Builds completers for one execution (sub-fields collected by its context)."""

    def __init__(
        self,
        plan_of: Callable[[GraphQLObjectType, str], FieldPlan],
        collect: Callable[[], Callable[[GraphQLObjectType, FieldDetailsList], Any] | None],
    ) -> None:
        self._plan_of = plan_of
        self._collect = collect
        self._plain_types: set[type] = set()

    def object(self, object_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Completer | None:
        """The completer of `grouped` on a value of `object_type` (None: not all basic)."""
        steps: list[_Step] = []
        for name, details in grouped.items():
            step = self._step(object_type, name, details)
            if step is None:
                return None
            steps.append(step)

        def complete(source: Any) -> Any:
            out: dict[str, Any] = {}
            for step in steps:
                if not step(source, out):
                    return Undefined
            return out

        return complete

    def _sub(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> Completer | None:
        collect = self._collect()  # the executor's `collect_subfields`, weakly held
        if collect is None:
            return None
        grouped, defers, _ = collect(object_type, details)
        return None if defers else self.object(object_type, grouped)

    def _step(
        self, parent_type: GraphQLObjectType, name: str, details: FieldDetailsList
    ) -> _Step | None:
        plan = self._plan_of(parent_type, name)
        kind = plan.kind
        if kind is PlanKind.TYPENAME:
            return _typename(name, parent_type.name)
        if kind is PlanKind.LEAF:
            return self._leaf(name, plan)
        if kind is PlanKind.LEAF_LIST and not _directed(details):
            return self._leaf_list(name, plan)
        sub = None
        if kind in (PlanKind.OBJECT, PlanKind.OBJECT_LIST) and not _directed(details):
            sub = self._sub(plan.object_type, details)  # type: ignore[arg-type]
        if sub is None:
            return None  # a resolver, `@stream` and others: the executor's way
        if kind is PlanKind.OBJECT:
            return self._object(name, plan, sub)
        return self._object_list(name, plan, sub)

    def _leaf(self, name: str, plan: FieldPlan) -> _Step:
        read, coerce, non_null = plan.read, plan.coerce, plan.non_null
        named = getattr(plan.field_type, "of_type", plan.field_type)
        str_as_is = getattr(named, "name", None) in _STR_AS_IS
        plain = self._plain

        def leaf(source: Any, out: dict[str, Any]) -> bool:
            try:
                value = read(source)  # type: ignore[misc]
            except Exception:
                return False
            if value is None:
                out[name] = None
                return not non_null
            if str_as_is and type(value) is str:
                out[name] = value
                return True
            out[name] = coerced = _coerced(coerce, value, plain)  # type: ignore[arg-type]
            return coerced is not Undefined

        return leaf

    def _leaf_list(self, name: str, plan: FieldPlan) -> _Step:
        read, coerce, non_null = plan.read, plan.coerce, plan.non_null
        plain = self._plain

        def leaf_list(source: Any, out: dict[str, Any]) -> bool:
            try:
                items = read(source)  # type: ignore[misc]
            except Exception:
                return False
            if items is None:
                out[name] = None
                return not non_null
            if type(items) not in _SEQUENCES:
                return False
            out[name] = completed = [_coerced(coerce, item, plain) for item in items]  # type: ignore[arg-type]
            return Undefined not in completed

        return leaf_list

    def _object(self, name: str, plan: FieldPlan, sub: Completer) -> _Step:
        read, check, non_null = plan.read, plan.type_check, plan.non_null
        plain = self._plain

        def object_field(source: Any, out: dict[str, Any]) -> bool:
            try:
                value = read(source)  # type: ignore[misc]
            except Exception:
                return False
            if value is None:
                out[name] = None
                return not non_null
            if not plain(value) or not _passes(check, value):
                return False
            out[name] = completed = sub(value)
            return completed is not Undefined

        return object_field

    def _object_list(self, name: str, plan: FieldPlan, sub: Completer) -> _Step:
        read, check, non_null = plan.read, plan.type_check, plan.non_null
        plain = self._plain

        def object_list(source: Any, out: dict[str, Any]) -> bool:
            try:
                items = read(source)  # type: ignore[misc]
            except Exception:
                return False
            if items is None:
                out[name] = None
                return not non_null
            if type(items) not in _SEQUENCES:
                return False
            completed = []
            for item in items:
                if item is None or not plain(item) or not _passes(check, item):
                    return False
                done = sub(item)
                if done is Undefined:
                    return False
                completed.append(done)
            out[name] = completed
            return True

        return object_list

    def _plain(self, value: Any) -> bool:
        """Neither an exception nor awaitable (decided once per Python class)."""
        kind = type(value)
        if kind in self._plain_types:
            return True
        if not _plain_object_type(kind):
            return False
        self._plain_types.add(kind)
        return True


def _directed(details: FieldDetailsList) -> bool:
    return any(d.node.directives for d in details)


def _typename(name: str, type_name: str) -> _Step:
    def typename(source: Any, out: dict[str, Any]) -> bool:
        out[name] = type_name
        return True

    return typename


def _coerced(coerce: Callable[[Any], Any], value: Any, plain: Callable[[Any], bool]) -> Any:
    """A leaf value's output coercion, or Undefined (null, an exception, an awaitable,
    or a value the type refuses: graphql-core decides those)."""
    if value is None or (type(value) not in _PLAIN and not plain(value)):
        return Undefined
    try:
        coerced = coerce(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced


def _passes(check: Callable[[Any, Any], Any] | None, value: Any) -> bool:
    if check is None:
        return True
    try:
        return check(value, None) is True
    except Exception:
        return False
