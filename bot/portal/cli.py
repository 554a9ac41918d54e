"""``python -m bot portal``: serve the therapist portal."""

from __future__ import annotations

import argparse

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "portal", help="serve the therapist portal and JSON API (127.0.0.1:8000)"
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to bind")
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="trust X-Forwarded-For/-Proto from a reverse proxy on 127.0.0.1 "
        "(so login throttling sees the real client address)",
    )
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.portal.app import create_app

    # One process: login sessions live in its memory (the throttle is in the DB).
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        proxy_headers=args.behind_proxy,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        log_level="info",
        access_log=False,  # URLs name patients and sessions: keep them out of logs
    )
    return 0
