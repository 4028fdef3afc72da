"""GraphQL types for the realtime domain (placeholder until implemented)."""

from __future__ import annotations

__all__ = ["MUTATIONS", "QUERIES", "TYPES"]

QUERIES: list[type] = []
MUTATIONS: list[type] = []
TYPES: list[type] = []
