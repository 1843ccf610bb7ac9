"""``BodyLimit``: request bodies larger than ``--limit-request-body`` are refused with HTTP 413.

::

    app = BodyLimit(app, limit=128 * 1024 * 1024)

A ``Content-Length`` above the limit is answered at once, before any of the body is
read. A body without one (``Transfer-Encoding: chunked``) is counted as the app reads
it, and cut off with the same 413 as soon as it grows past the limit: no handler ever
sees more than ``limit`` bytes. Odoo's web server refuses bodies above 128 MiB the same
way (``DEFAULT_MAX_CONTENT_LENGTH``), which is the default here too.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEFAULT_LIMIT_REQUEST_BODY", "BodyLimit"]

DEFAULT_LIMIT_REQUEST_BODY = 128 * 1024 * 1024
"""128 MiB, Odoo's limit for a request body."""


class _TooLarge(Exception):
    """Raised from ``receive`` once a body grows past the limit; never leaves the middleware."""


class BodyLimit:
    """ASGI middleware answering 413 to HTTP requests whose body exceeds ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"the request body limit must be a positive number of bytes, not {limit}")
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except _TooLarge:
            if not started:  # a handler reads its body before it answers: always the case here
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = f"Request body larger than {self.limit} bytes.".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                # The rest of the body is never read: the connection cannot be reused.
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    """The declared ``Content-Length``, or None when there is none (or the server let a bad one by)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            if not value.isdigit():
                return None
            # int() refuses very long digit strings; anything that long is too much anyway.
            return int(value) if len(value) <= 18 else 10**18
    return None
