"""Build hook: the wheel carries the built GraphiQL explorer (app/graphiql/static).

Everything else about the package is in pyproject.toml. When js/ is present (a
checkout or an sdist) and Node is installed, building the package runs
js/build-graphiql.mjs first (after `npm ci` if js/node_modules is missing), so
`pip install .` gives a complete install. Without Node, assets already built
are packaged as they are; with neither, the package builds without GraphiQL
and the gateway's /graphql page says so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
JS = ROOT / "js"
STATIC = ROOT / "app" / "graphiql" / "static"


def build_graphiql() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (JS / "build-graphiql.mjs").is_file() or node is None:
        if not (STATIC / "manifest.json").is_file():
            print("warning: no Node and no built GraphiQL assets: packaging without GraphiQL")
        return
    if not (JS / "node_modules").is_dir():
        if npm is None:
            raise SystemExit("npm is needed to install js/ dependencies for the GraphiQL build")
        subprocess.run(  # noqa: S603 - fixed command
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS, check=True
        )
    subprocess.run([node, "build-graphiql.mjs"], cwd=JS, check=True)  # noqa: S603


class BuildPyWithGraphiQL(build_py):
    def run(self) -> None:
        # An editable install serves the checkout's assets, which `./dev setup` builds.
        if not getattr(self, "editable_mode", False):
            build_graphiql()
        super().run()


setup(cmdclass={"build_py": BuildPyWithGraphiQL})
