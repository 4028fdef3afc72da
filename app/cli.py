"""`sessiongraph serve | demo | emulate | export-schema`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

import httpx
import uvicorn

from app.asgi import create_app
from app.emulators import EmulatorConfig, build_hub
from app.emulators.live import serve_with_activity, wire_live_demo
from app.observability import LogFormat, configure_logging
from app.settings import Settings
from app.webhooks.register import RegistrationError
from app.webhooks.register import register as register_webhook
from schema import print_sdl

__all__ = ["main"]


def _serve(
    host: str, port: int, settings: Settings, banner: str | None, log_format: LogFormat
) -> None:
    fmt = settings.log_format or log_format
    configure_logging(fmt)
    # On the built-in emulators, their live activity delivers webhooks to this gateway.
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a comparison
    if not settings.emulator_webhook_url:
        settings = settings.model_copy(update={"emulator_webhook_url": f"http://{local}:{port}"})
    app = create_app(settings, freeze_startup_objects=True)
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
    emulate.add_argument("--webhook-url", help="gateway base URL the emulators deliver webhooks to")
    emulate.add_argument(
        "--live-interval", type=float, default=0.0, help="seconds between joins/leaves"
    )
    webhooks = verbs.add_parser("webhooks", help="register this gateway's webhook URL upstream")
    webhook_verbs = webhooks.add_subparsers(dest="action", required=True)
    register = webhook_verbs.add_parser("register", help="call the upstream's registration API")
    register.add_argument("upstream", choices=["stream", "realtimekit"])
    register.add_argument(
        "--url", required=True, help="e.g. https://gateway.example/webhooks/stream"
    )
    verbs.add_parser("export-schema", help="print the SDL (federation directives included)")
    args = parser.parse_args(argv)

    if args.verb == "export-schema":
        sys.stdout.write(print_sdl())
        return 0
    settings = Settings()
    if args.verb == "emulate":
        print(f"Emulators listening on http://{args.host}:{args.port}", flush=True)
        hub = build_hub(EmulatorConfig.from_settings(settings))
        wire_live_demo(hub, args.webhook_url, args.live_interval)
        uvicorn.run(serve_with_activity(hub), host=args.host, port=args.port, log_level="info")
        return 0
    if args.verb == "webhooks":
        return _register(args.upstream, args.url)
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


def _register(upstream: str, url: str) -> int:
    try:
        hook = register_webhook(upstream, url, Settings())
    except (RegistrationError, httpx.HTTPError) as exc:
        print(f"Registration failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(hook, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
