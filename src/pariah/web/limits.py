"""What the web app accepts of a request before a route sees it: a body of at most ``MAX_BODY`` bytes.

A body announced as larger (``Content-Length``) is answered 413 at once, without being read; one that
turns out larger while it streams in (chunked, or a lying header) stops being read at the limit and is
answered 413 too. Either way the answer is the API's error shape, ``{"detail": ..., "problems": []}``.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from pariah.web.params import MAX_BODY, HTTPProblem


def too_large(size: int | str) -> str:
    return f"body of {size} bytes; send at most {MAX_BODY} bytes per request"


class BodyLimit:
    """Plain ASGI middleware (no per-request task), like ``SecurityHeaders`` in ``pariah.web.app``."""

    def __init__(self, app, max_body: int = MAX_BODY):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            status, message = (413, too_large(length.decode("latin-1"))) if length.isdigit() else \
                (400, "Content-Length: expected a number of bytes")
            return await JSONResponse({"detail": message, "problems": []}, status_code=status)(scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPProblem(413, too_large(f"over {self.max_body}"))
            return message

        await self.app(scope, limited_receive, send)
