"""Parsed and validated documents are cached (bounded), and errors still carry codes."""

from __future__ import annotations

from unittest import mock

import graphql
import pytest
from strawberry.extensions import parser_cache, validation_cache

from schema import OperationLimits, build_schema
from tests.conftest import GraphQL


async def test_a_repeated_document_is_parsed_and_validated_once() -> None:
    schema = build_schema(OperationLimits(document_cache=7))
    query = "query Cached { __typename }"
    with (
        mock.patch("strawberry.extensions.parser_cache.parse", wraps=graphql.parse) as parse,
        mock.patch("strawberry.schema.schema.validate", wraps=graphql.validate) as validate,
    ):
        # The caches wrap parse/validate when first asked for: start them afresh so
        # they wrap the spies (and drop them afterwards).
        validation_cache._get_validate_cache.cache_clear()
        parser_cache._get_parse_cache.cache_clear()
        try:
            for _ in range(3):
                result = await schema.execute(query)
                assert result.errors is None
        finally:
            validation_cache._get_validate_cache.cache_clear()
            parser_cache._get_parse_cache.cache_clear()
    assert parse.call_count == 1
    assert validate.call_count == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("query {", "BAD_USER_INPUT"),
        ("{ nope }", "BAD_USER_INPUT"),
        ("{ " + " ".join("__typename" for _ in range(5000)) + " }", "QUERY_TOO_COMPLEX"),
    ],
)
async def test_bad_documents_keep_their_codes_twice(
    graphql: GraphQL, query: str, code: str
) -> None:
    for _ in range(2):  # the second time, from the caches where they apply
        body = await graphql(query, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == code
