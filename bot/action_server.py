"""The action server, closed: Rasa SDK's app behind a shared secret, on 127.0.0.1.

The webhook answers with a patient's safety plan and reflection, so it must not
take calls from anyone who can reach the port. Rasa sends the secret as a header
(``action_endpoint.headers`` in ``endpoints.yml``, read from the environment);
every route but ``/health`` refuses a call without it. ``make run`` makes a
fresh secret for each start; a clinic server sets it in its service environment.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from sanic import Sanic, response
from sanic.request import Request

ACTION_TOKEN_ENV = "AFTERGLOW_ACTION_TOKEN"
ACTION_TOKEN_HEADER = "X-Afterglow-Action-Token"
MIN_TOKEN_LENGTH = 32
OPEN_PATHS = frozenset({"/health"})
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055

logger = logging.getLogger(__name__)


class ActionTokenError(RuntimeError):
    """The shared secret is missing or too short."""


def action_token() -> str:
    """The shared secret from ``$AFTERGLOW_ACTION_TOKEN``.

    Raises:
        ActionTokenError: if it is unset or shorter than 32 characters.
    """
    token = os.environ.get(ACTION_TOKEN_ENV, "")
    if len(token) < MIN_TOKEN_LENGTH:
        raise ActionTokenError(
            f"{ACTION_TOKEN_ENV} must be set to at least {MIN_TOKEN_LENGTH} "
            "characters (make run sets one; see docs/deployment.md)"
        )
    return token


def is_authorised(supplied: str | None, token: str) -> bool:
    """Constant-time comparison of the header Rasa sent with the secret."""
    return hmac.compare_digest((supplied or "").encode(), token.encode())


def create_app(token: str, action_package: str = "actions") -> Sanic:
    """Rasa SDK's Sanic app with the secret checked before every route."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    # No CORS: only Rasa calls this server, never a browser.
    app = create_sdk_app(action_package, cors_origins=None)

    @app.on_request
    async def require_secret(request: Request):  # noqa: ANN202
        if request.path in OPEN_PATHS:
            return None
        if is_authorised(request.headers.get(ACTION_TOKEN_HEADER), token):
            return None
        logger.warning("action server: refused a call without the shared secret")
        return response.json({"error": "unauthorised"}, status=401)

    # Rasa SDK's own handler echoes the request body (the whole tracker) in its
    # 500 reply, and Rasa then logs that reply: conversation text in rasa.log.
    @app.exception(Exception)
    async def action_failed(request: Request, exception: Exception):  # noqa: ANN202
        logger.error(
            "action server: an action failed (%s)",
            type(exception).__name__,
            exc_info=exception,
        )
        return response.json({"error": "action failed"}, status=500)

    return app


def serve(host: str, port: int) -> int:
    """Run the closed action server until it is stopped."""
    from rasa_sdk import utils

    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    try:
        token = action_token()
    except ActionTokenError as error:
        logger.error("%s", error)
        return 2
    app = create_app(token)
    logger.info("Action server on http://%s:%d (shared secret required)", host, port)
    app.run(host, port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "actions", help="Run the action server (needs $AFTERGLOW_ACTION_TOKEN)"
    )
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.set_defaults(handler=lambda args: serve(args.host, args.port))
