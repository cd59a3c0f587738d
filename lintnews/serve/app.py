"""The HTTP side of ``lintnews serve``: a Starlette application run by uvicorn.

Routes: ``POST /v1/check`` (the ``--format json`` output for a draft), ``GET /v1/rules``
(what ``lintnews rules`` lists), ``GET /healthz`` (200 once workers have the rules
loaded, 503 before) and ``GET /`` (a page where an editor pastes a draft and sees it
highlighted as they type). Every error is JSON: ``{"error": "one clear line"}``.

Safe by default: loopback only, a body limit checked against Content-Length and counted
while the body streams in, a time limit per request, no file is ever opened because a
request names it, and requests from another origin are refused unless ``--allow-origin``
names that origin.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..markup import format_for
from . import human_size
from .pool import FORMATS, LinterOptions, WorkerDied, WorkerPool, WorkerTimeout

FIELDS = ("text", "format", "filename")
PAGE = Path(__file__).with_name("page.html")
LOOPBACK_NAMES = ("localhost",)
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1'; '[::1]:8000' -> '::1'."""
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class Guard:
    """Refuses, before any route runs: a request from another origin (a browser sends
    ``Origin``) unless it is configured; and, when the server is bound to loopback, a
    ``Host`` that is not a loopback name (a DNS-rebinding page posing as same-origin).
    Adds ``nosniff`` to every response."""

    def __init__(self, app, allow_origins: tuple[str, ...], check_host: bool):
        self.app = app
        self.allow_origins = set(allow_origins)
        self.check_host = check_host

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if self.check_host and not is_loopback(_host_name(host)):
            return await _error(400, f"host '{host}' refused: this server answers loopback names only")(scope, receive, send)
        origin = headers.get("origin")
        if origin is not None and origin not in self.allow_origins and origin != f"{scope.get('scheme', 'http')}://{host}":
            message = f"cross-origin request from '{origin}' refused (start the server with --allow-origin {origin} to allow it)"
            return await _error(403, message)(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


class ResultCache:
    """The most recent answers, by the request's content, within a budget of bytes. A CMS
    sends the same draft again and again (autosave, reopening a story, a second editor):
    its answer is the same bytes (lintnews's output is a function of its input and the
    configuration, fixed while the server runs), so it is not linted again."""

    def __init__(self, max_bytes: int):
        from collections import OrderedDict

        self.max_bytes = max_bytes
        self.entries: OrderedDict[bytes, str] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str, fmt: str, filename: str) -> bytes:
        digest = hashlib.sha256(f"{fmt}\0{filename}\0".encode("utf-8", "surrogatepass"))
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.digest()

    def get(self, key: bytes) -> str | None:
        body = self.entries.get(key)
        if body is None:
            self.misses += 1
            return None
        self.hits += 1
        self.entries.move_to_end(key)
        return body

    def put(self, key: bytes, body: str) -> None:
        size = len(body) + 100
        if size > self.max_bytes // 8 or key in self.entries:  # one huge answer would evict every other
            return
        self.entries[key] = body
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, old = self.entries.popitem(last=False)
            self.bytes -= len(old) + 100

    def status(self) -> dict:
        return {"entries": len(self.entries), "bytes": self.bytes, "hits": self.hits, "misses": self.misses}


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    too_big = HTTPException(413, f"request body is larger than the limit of {human_size(limit)}")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise HTTPException(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise too_big
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():  # a chunked body has no Content-Length: count it
            size += len(chunk)
            if size > limit:
                raise too_big
            chunks.append(chunk)
    except ClientDisconnect:
        raise HTTPException(400, "the client went away before the body ended") from None
    return b"".join(chunks)


def parse_check_request(body: bytes) -> tuple[str, str, str]:
    """(text, format, filename) from a /v1/check body, or HTTPException(400)."""
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        raise HTTPException(400, "the body is not UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise HTTPException(400, "invalid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise HTTPException(400, 'the body must be a JSON object: {"text": "...", "format": "markdown", "filename": "a.md"}')
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise HTTPException(400, f"unknown field '{unknown[0]}' (known: {', '.join(FIELDS)})")
    if "text" not in data:
        raise HTTPException(400, "missing field 'text': the draft to check, as a string")
    text = data["text"]
    if not isinstance(text, str):
        raise HTTPException(400, f"'text' must be a string, not {_json_type(text)}")
    filename = data.get("filename")
    if filename is None:
        filename = "-"
    elif not isinstance(filename, str) or not filename.strip():
        raise HTTPException(400, f"'filename' must be a non-empty string, not {_json_type(filename)}")
    fmt = data.get("format")
    if fmt is None:
        fmt = format_for(filename)  # the suffix chooses, as with --stdin-filename; never opened
    elif fmt not in FORMATS:
        shown = json.dumps(fmt, ensure_ascii=False)[:40]
        raise HTTPException(400, f"'format' must be one of {', '.join(FORMATS)}, not {shown}")
    return text, fmt, filename


def _json_type(value) -> str:
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    return {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _page(rules) -> tuple[bytes, str]:
    """The page, in the HTML report's look (its CSS and its colour for each family of the
    loaded rules), and a Content-Security-Policy that allows its own inline style and
    script (by hash) and nothing else: even a draft that slipped past escaping could run
    nothing."""
    from ..formatters.html import look_css

    look = look_css(r.id.split(".", 1)[0] for r in rules)
    html = PAGE.read_text(encoding="utf-8").replace("/* report.css */\n", look, 1)

    def hashes(tag: str) -> str:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
        return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in found)

    csp = (
        f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
        "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return html.encode("utf-8"), csp


def create_app(
    linter,
    options: LinterOptions,
    *,
    workers: int = 2,
    max_body: int = 5 * 1024**2,
    timeout: float = 10.0,
    allow_origins: tuple[str, ...] = (),
    host: str = "127.0.0.1",
    cache_bytes: int = 32 * 1024**2,
) -> Starlette:
    """The application. ``linter`` (built by the caller, the CLI's way) answers /v1/rules;
    the workers build their own from ``options``."""
    from ..cli import rule_rows

    pool = WorkerPool(options, workers)
    cache = ResultCache(cache_bytes) if cache_bytes > 0 else None
    rules_body = json.dumps({"version": 1, "rules": rule_rows(linter)}, ensure_ascii=False, indent=2) + "\n"
    page_body, page_csp = _page(linter.all_rules)

    async def check(request: Request) -> Response:
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            return _error(415, "send the draft as JSON, with 'Content-Type: application/json'")
        text, fmt, filename = parse_check_request(await read_body(request, max_body))
        key = cache.key(text, fmt, filename) if cache else b""
        if cache and (body := cache.get(key)) is not None:
            return Response(body, media_type="application/json")
        try:
            kind, value, reusable = await pool.check(text, fmt, filename, timeout)
        except WorkerTimeout:
            return _error(503, f"the check took longer than {timeout:g} s and was stopped; try again", {"Retry-After": "1"})
        except WorkerDied:
            return _error(503, "the check failed twice because its worker process ended; try again", {"Retry-After": "1"})
        if kind != "ok":
            return _error(500, value)
        if cache and reusable:
            cache.put(key, value)
        return Response(value, media_type="application/json")

    async def rules(request: Request) -> Response:
        return Response(rules_body, media_type="application/json")

    async def healthz(request: Request) -> Response:
        status = pool.status()
        body = {"status": "ok" if status["ready"] > 0 else "starting", "rules": len(linter.rules), "workers": status,
                "cache": cache.status() if cache else None}
        if pool.failure and not status["ready"]:
            body["error"] = pool.failure
        return JSONResponse(body, status_code=200 if status["ready"] > 0 else 503)

    async def page(request: Request) -> Response:
        return Response(page_body, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": page_csp})

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(exc.status_code, exc.detail, exc.headers)

    @asynccontextmanager
    async def lifespan(app):
        pool.start()
        try:
            yield
        finally:
            await pool.close()

    middleware = [Middleware(Guard, allow_origins=tuple(allow_origins), check_host=is_loopback(host))]
    if allow_origins:
        middleware.append(
            Middleware(CORSMiddleware, allow_origins=list(allow_origins), allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
        )
    app = Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/v1/check", check, methods=["POST"]),
            Route("/v1/rules", rules, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        middleware=middleware,
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.pool = pool
    return app


def serve(options: LinterOptions, *, host: str, port: int, workers: int, max_body: int, timeout: float,
          allow_origins: tuple[str, ...], cache_bytes: int = 32 * 1024**2) -> None:
    """Bind, load the rules, say where, serve until Ctrl-C or SIGTERM. A port that cannot
    be bound, or a configuration or rule error, is one line on stderr and exit 2, before
    any worker starts."""
    import socket
    import sys

    import uvicorn

    from ..app import SetupError
    from .pool import build_linter

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, _, _, _, address = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as exc:
        print(f"lintnews: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(2)
    try:
        linter = build_linter(options)  # /v1/rules is answered from this one; workers build their own
    except SetupError as exc:
        sock.close()
        print(f"lintnews: error: {exc}", file=sys.stderr)
        sys.exit(2)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    app = create_app(linter, options, workers=workers, max_body=max_body, timeout=timeout, allow_origins=allow_origins,
                     host=host, cache_bytes=cache_bytes)
    print(
        f"lintnews serve: http://{shown}:{bound_port}/ ({len(linter.rules)} rules, {workers} workers, "
        f"body limit {human_size(max_body)}, timeout {timeout:g} s, "
        f"{'cache ' + human_size(cache_bytes) if cache_bytes else 'no cache'}); Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises Ctrl-C again once it has shut down: that is a clean stop
        pass
