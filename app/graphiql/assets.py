"""Where the built GraphiQL assets live and what the build produced (its manifest)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ASSETS_PATH", "STATIC_DIR", "AssetManifest", "load_manifest", "static_dir"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""Output folder of `js/build-graphiql.mjs` (git-ignored). Tests may point it elsewhere."""

MANIFEST_NAME = "manifest.json"
ASSETS_PATH = "/graphiql-assets"
"""URL path under which the gateway serves the assets."""


def static_dir() -> Path:
    """The assets folder, read at call time so it can be redirected (tests)."""
    return STATIC_DIR


@dataclass(frozen=True, slots=True)
class AssetManifest:
    """The build's outputs: the explorer's entry files plus every servable file name.

    Every file name carries a content hash, so a name always means the same bytes.
    """

    directory: Path
    script: str
    style: str
    files: frozenset[str]

    def path_of(self, name: str) -> Path | None:
        """The file for a public asset name, or None when the build did not produce it.

        Only names listed in the manifest are served, so no request path can reach
        any other file.
        """
        if name not in self.files:
            return None
        path = self.directory / name
        return path if path.is_file() else None


def load_manifest(directory: Path | None = None) -> AssetManifest | None:
    """The manifest of a complete build, or None when the assets are missing or partial."""
    directory = directory if directory is not None else static_dir()
    try:
        raw = json.loads((directory / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    script, style, files = raw.get("script"), raw.get("style"), raw.get("files")
    if not isinstance(script, str) or not isinstance(style, str) or not isinstance(files, list):
        return None
    names = frozenset(f for f in files if isinstance(f, str) and "/" not in f and f != "..")
    manifest = AssetManifest(directory=directory, script=script, style=style, files=names)
    if manifest.path_of(script) is None or manifest.path_of(style) is None:
        return None
    return manifest
