"""The committed SDL is the schema the code builds, and the CLI prints it."""

from __future__ import annotations

import subprocess
import sys

from schema import SDL_PATH, print_sdl


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text() == print_sdl(), (
        "schema/schema.graphql is stale: run `sessiongraph export-schema > schema/schema.graphql`"
    )


def test_export_schema_prints_the_federated_sdl() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "export-schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout == SDL_PATH.read_text()
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in result.stdout
    assert 'type ConferenceRecord implements Session & Node @key(fields: "id")' in result.stdout
