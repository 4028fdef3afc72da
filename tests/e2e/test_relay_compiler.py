"""relay-compiler (npm, installed by `./dev` from js/package-lock.json) over our committed SDL.

The frontend operations live in `tests/relay/src/*.js` as `graphql` tagged templates:
fragments with `@connection` on every kind of connection in the schema, and `@refetchable`
fragments (a refetchable fragment on a Node type is refetched through `Query.node`).
`tests/relay/relay.config.json` is the Relay project. By hand, in `tests/relay/`:
`../../js/node_modules/.bin/relay-compiler` (artifacts go to the git-ignored `__generated__/`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import (
    GraphQLNamedType,
    GraphQLObjectType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    validate,
    visit,
)
from graphql.language import FieldNode, FragmentDefinitionNode, OperationDefinitionNode

from schema import build_schema

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
RELAY = ROOT / "tests" / "relay"
COMPILER = ROOT / "js" / "node_modules" / ".bin" / "relay-compiler"

TEMPLATE = re.compile(r"=\s*graphql`([^`]*)`")
REFETCH_QUERY = re.compile(r'@refetchable\(\s*queryName:\s*"(\w+)"')
ARTIFACT_TEXT = re.compile(r'^\s*"text": (".*"),?$', re.MULTILINE)


def documents() -> dict[str, str]:
    """Every `graphql` template under tests/relay/src, by file name and index."""
    found: dict[str, str] = {}
    for path in sorted((RELAY / "src").glob("*.js")):
        for index, body in enumerate(TEMPLATE.findall(path.read_text())):
            found[f"{path.name}#{index}"] = body
    return found


def schema_connections() -> set[tuple[str, str]]:
    """(type, field) of every object field returning a connection (a type with edges+pageInfo)."""
    schema = build_schema()._schema
    found = set()
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            target = get_named_type(field.type)
            if isinstance(target, GraphQLObjectType) and {"edges", "pageInfo"} <= set(
                target.fields
            ):
                found.add((type_.name, name))
    return found


def connection_fields(bodies: list[str]) -> set[tuple[str, str]]:
    """(parent type, field) of every field carrying `@connection` in the documents."""
    schema = build_schema()._schema
    found: set[tuple[str, str]] = set()

    class Collect(Visitor):
        def __init__(self, info: TypeInfo) -> None:
            super().__init__()
            self.info = info

        def enter_field(self, node: FieldNode, *_: object) -> None:
            parent: GraphQLNamedType | None = self.info.get_parent_type()
            if parent is not None and any(
                d.name.value == "connection" for d in node.directives or ()
            ):
                found.add((parent.name, node.name.value))

    for body in bodies:
        info = TypeInfo(schema)
        visit(parse(body), TypeInfoVisitor(info, Collect(info)))
    return found


def test_relay_documents_put_a_connection_on_every_kind_of_connection() -> None:
    covered = connection_fields(list(documents().values()))
    missing = schema_connections() - covered
    assert not missing, f"no @connection fragment in tests/relay/src for {sorted(missing)}"


def test_relay_compiler_compiles_the_operations_against_the_committed_schema(
    tmp_path: Path,
) -> None:
    if not COMPILER.exists() or shutil.which("node") is None:
        pytest.fail("node and js/node_modules are required: run `./dev setup` (npm ci in js/)")
    # The committed project config, with its paths made absolute and the artifacts sent to a
    # temporary directory; it reads the committed `schema/schema.graphql` as is (relay accepts
    # the federation directives and `_entities`/`_service` of our subgraph SDL).
    config = json.loads((RELAY / "relay.config.json").read_text())
    config["root"] = str(ROOT)
    project = config["projects"]["sessiongraph"]
    assert project["schema"] == "schema/schema.graphql"
    artifacts = tmp_path / "__generated__"
    project["output"] = str(artifacts)
    config_file = tmp_path / "relay.config.json"
    config_file.write_text(json.dumps(config, indent=2))

    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(COMPILER), str(config_file)],
        capture_output=True,
        check=False,
        text=True,
        timeout=180,
        cwd=RELAY,
    )
    assert result.returncode == 0, f"relay-compiler failed:\n{result.stdout}{result.stderr}"

    bodies = list(documents().values())
    definitions = [d for body in bodies for d in parse(body).definitions]
    queries = {
        d.name.value for d in definitions if isinstance(d, OperationDefinitionNode) and d.name
    }
    queries |= {name for body in bodies for name in REFETCH_QUERY.findall(body)}
    fragments = {d.name.value for d in definitions if isinstance(d, FragmentDefinitionNode)}
    names = queries | fragments
    generated = {p.name.removesuffix(".graphql.js") for p in artifacts.glob("*.graphql.js")}
    assert names <= generated, f"no artifact for {sorted(names - generated)}"

    # Every operation relay will send is valid against the schema the server runs.
    server_schema = build_schema()._schema
    texts = {}
    for path in sorted(artifacts.glob("*.graphql.js")):
        for literal in ARTIFACT_TEXT.findall(path.read_text()):
            texts[path.name] = json.loads(literal)
    assert set(texts) == {f"{name}.graphql.js" for name in queries}
    for name, text in texts.items():
        errors = validate(server_schema, parse(text))
        assert not errors, f"{name}: {[e.message for e in errors]}"

    # The refetchable fragment on a Node type is refetched through `node(id:)`.
    refetch = texts["NodeRefetchRecordQuery.graphql.js"]
    assert "node(id: $id)" in refetch
    assert "...NodeRefetch_record" in refetch
