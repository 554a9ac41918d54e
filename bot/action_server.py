"""The action server, closed: Rasa SDK's app behind a shared secret, on 127.0.0.1.

The webhook answers with a patient's safety plan and reflection, so it must not
take calls from anyone who can reach the port. Rasa sends the secret as a header
(``action_endpoint.headers`` in ``endpoints.yml``, read from the environment);
every route but ``/health`` refuses a call without it. ``make run`` makes a
fresh secret for each start; a clinic server sets it in its service environment.

Actions run in worker threads, not on the server's event loop. Rasa SDK runs a
synchronous action inline, so one action waiting on a busy database froze the
whole server; calls queued behind it until the connections were closed under
Rasa ("Cannot write to closing transport") and their events were lost.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import logging
import os
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

ACTION_TOKEN_ENV = "AFTERGLOW_ACTION_TOKEN"
ACTION_TOKEN_HEADER = "X-Afterglow-Action-Token"
MIN_TOKEN_LENGTH = 32
OPEN_PATHS = frozenset({"/health"})
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
ACTION_THREADS = 16

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


def create_app(
    token: str, action_package: str = "actions", threads: int = ACTION_THREADS
) -> Sanic:
    """The action server: Rasa SDK's executor behind the secret, in threads."""
    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor
    from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

    app = Sanic("afterglow_actions", configure_logging=False)
    executor = ActionExecutor()
    executor.register_package(action_package)
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="action")

    def run_in_thread(call: dict[str, Any]) -> Any:
        # A fresh event loop per call: async actions run there, sync ones block
        # only this thread.
        return asyncio.run(executor.run(call))

    @app.on_request
    async def require_secret(request: Request):  # noqa: ANN202
        if request.path in OPEN_PATHS:
            return None
        if is_authorised(request.headers.get(ACTION_TOKEN_HEADER), token):
            return None
        logger.warning("action server: refused a call without the shared secret")
        return response.json({"error": "unauthorised"}, status=401)

    @app.get("/health")
    async def health(_request: Request):  # noqa: ANN202
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def actions(_request: Request):  # noqa: ANN202
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request):  # noqa: ANN202
        call = _read_call(request)
        if not isinstance(call, dict):
            return response.json({"error": "Invalid body request"}, status=400)
        utils.check_version_compatibility(call.get("version"))
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(pool, run_in_thread, call)
        except ActionExecutionRejection as rejection:
            body = {"error": rejection.message, "action_name": rejection.action_name}
            return response.json(body, status=400)
        except ActionNotFoundException as missing:
            logger.error("action server: no action named in the call")
            body = {"error": missing.message, "action_name": missing.action_name}
            return response.json(body, status=404)
        return response.json(result)

    # Never echo the call (the whole tracker) in an error reply: Rasa logs it.
    @app.exception(Exception)
    async def action_failed(request: Request, exception: Exception):  # noqa: ANN202
        logger.error(
            "action server: an action failed (%s)",
            type(exception).__name__,
            exc_info=exception,
        )
        return response.json({"error": "action failed"}, status=500)

    @app.before_server_start
    async def warm_up(_app: Sanic, _loop: Any) -> None:
        # The trap model trains at load (seconds, encoder included); doing it
        # now spares the first patient who reaches step 4 the wait.
        pool.submit(_load_trap_detector)

    @app.after_server_stop
    async def stop_threads(_app: Sanic, _loop: Any) -> None:
        pool.shutdown(wait=False, cancel_futures=True)

    return app


def _load_trap_detector() -> None:
    from bot.traps import TrapDetector

    started = time.monotonic()
    try:
        TrapDetector.load()
    except Exception as error:  # noqa: BLE001 - the first call retries and reports
        logger.error(
            "action server: trap detector warm-up failed (%s)", type(error).__name__
        )
        return
    logger.info(
        "action server: trap detector ready in %.1f s", time.monotonic() - started
    )


def _read_call(request: Request) -> Any:
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            return json.loads(zlib.decompress(request.body))
        return request.json
    except (InvalidUsage, ValueError, zlib.error):
        return None


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
