"""`sessiongraph serve | demo | emulate | export-schema`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import uvicorn

from app.asgi import create_app
from app.emulators import EmulatorConfig, build_hub
from app.observability import LogFormat, configure_logging
from app.settings import Settings
from schema import print_sdl

__all__ = ["main"]


def _serve(
    host: str, port: int, settings: Settings, banner: str | None, log_format: LogFormat
) -> None:
    fmt = settings.log_format or log_format
    configure_logging(fmt)
    app = create_app(settings)
    if banner:
        text = banner.format(url=f"http://{host}:{port}/graphql")
        if fmt == "json":  # every line on stderr/stdout stays one JSON object
            logging.getLogger("sessiongraph").info(text.replace("\n", "; "))
        else:
            print(text, flush=True)
    # Our own request log replaces uvicorn's access log: that one prints query
    # strings, and ours carries the request id and the operation.
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sessiongraph", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True)
    serve = verbs.add_parser("serve", help="run the gateway on the configured upstreams")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    demo = verbs.add_parser("demo", help="run the gateway on the built-in emulators")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    emulate = verbs.add_parser("emulate", help="run only the four emulators")
    emulate.add_argument("--host", default="127.0.0.1")
    emulate.add_argument("--port", type=int, default=8100)
    verbs.add_parser("export-schema", help="print the SDL (federation directives included)")
    args = parser.parse_args(argv)

    if args.verb == "export-schema":
        sys.stdout.write(print_sdl())
        return 0
    settings = Settings()
    if args.verb == "emulate":
        print(f"Emulators listening on http://{args.host}:{args.port}", flush=True)
        hub = build_hub(EmulatorConfig.from_settings(settings))
        uvicorn.run(hub, host=args.host, port=args.port, log_level="info")
        return 0
    if args.verb == "demo":
        # The demo always runs on the emulators, whatever the environment says.
        settings = settings.model_copy(
            update={
                "meet_url": None,
                "discovery_url": None,
                "realtimekit_url": None,
                "stream_url": None,
            }
        )
        _serve(
            args.host,
            args.port,
            settings,
            "sessiongraph demo on the built-in emulators\nGraphiQL: {url}",
            "console",
        )
        return 0
    _serve(args.host, args.port, settings, "sessiongraph gateway\nGraphiQL: {url}", "json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
