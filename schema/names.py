"""Strawberry's name converter, remembering what it converted.

Strawberry converts every argument's Python name to its GraphQL name again each time
a resolver with arguments runs (`convert_arguments` → `to_camel_case`): about 2 % of a
Meet dashboard's CPU (py-spy). The names converted are the schema's own, a fixed
set, so each is converted once.
"""

from __future__ import annotations

from strawberry.schema.name_converter import NameConverter

__all__ = ["RememberingNameConverter"]


class RememberingNameConverter(NameConverter):
    def __init__(self, auto_camel_case: bool = True) -> None:
        super().__init__(auto_camel_case)
        self._converted: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        converted = self._converted.get(name)
        if converted is None:
            converted = self._converted[name] = super().apply_naming_config(name)
        return converted
