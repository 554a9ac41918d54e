"""A size limit on every request body, enforced before anything parses it.

Starlette's form parser is where the known denial-of-service bugs live (a
multipart flood, CVE-2024-47874; urlencoded limits ignored, CVE-2026-54283,
fixed only in a Starlette that no FastAPI release for pydantic 1.10 allows).
The portal's largest legitimate body is a note of 2000 characters, so every
body is refused with 413 past ``MAX_BODY_BYTES``: by its Content-Length before
reading, or while it streams in when it has none. The parser then only ever
sees a small, complete body.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024


class BodyLimitMiddleware:
    """Refuse (413) any request whose body is larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _refuse(scope, receive, send, 400, "Bad Content-Length")
                return
            if too_big:
                await _refuse(scope, receive, send, 413, "Request body too large")
                return
        # Read the whole (small) body first, counting, then replay it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(scope, receive, send, 413, "Request body too large")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, text: str
) -> None:
    response = PlainTextResponse(text, status_code=status)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
