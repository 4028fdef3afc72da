"""Questions about what a resolver's own selection asks for, read from the document.

Strawberry's `info.selected_fields` answers them too, but it converts the whole
selection below the field into its own objects on every call (camel-case names,
directives, arguments): about a tenth of a millisecond for the attendance page's
`callSession`. These walk graphql-core's syntax tree instead, and stop early.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NullValueNode,
    SelectionNode,
    ValueNode,
    VariableNode,
)

from schema.context import Info

__all__ = ["selects_field_with"]


def selects_field_with(info: Info, field: str, arguments: Iterable[str]) -> bool:
    """Whether any field named `field` at any depth below the resolver's own field
    (fragments included, `@skip`/`@include` not evaluated) is given one of
    `arguments` with a non-null value."""
    raw = info._raw_info  # graphql-core's resolve info, which Strawberry's wraps
    values: Any = raw.variable_values
    variables: Mapping[str, Any] = getattr(values, "coerced", values)  # 3.3 wraps them
    walk = _Walk(field, frozenset(arguments), raw.fragments, variables)
    return any(
        walk.finds(node.selection_set.selections) for node in raw.field_nodes if node.selection_set
    )


class _Walk:
    def __init__(
        self,
        field: str,
        arguments: frozenset[str],
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self._field = field
        self._arguments = arguments
        self._fragments = fragments
        self._variables = variables

    def finds(self, selections: Iterable[SelectionNode]) -> bool:
        for selection in selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == self._field and self._given(selection):
                    return True
                below = selection.selection_set
            elif isinstance(selection, InlineFragmentNode):
                below = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self._fragments.get(selection.name.value)
                below = fragment.selection_set if fragment is not None else None
            else:
                below = None
            if below is not None and self.finds(below.selections):
                return True
        return False

    def _given(self, node: FieldNode) -> bool:
        return any(
            argument.name.value in self._arguments and not self._null(argument.value)
            for argument in node.arguments or ()
        )

    def _null(self, value: ValueNode) -> bool:
        if isinstance(value, VariableNode):
            return self._variables.get(value.name.value) is None
        return isinstance(value, NullValueNode)
