"""Attach routers, error handlers and middleware (CORS, security headers, body guard) to the app."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interviewer.api import (
    admin,
    interview,
    links,
    report,
    results,
    self_description,
    sessions,
    status,
    stt,
    team,
    webhooks,
)
from interviewer.api.deps import caller_key
from interviewer.api.strict_json import UnsafeJson, encodable, strict_loads
from interviewer.errors import DomainError
from interviewer.ratelimit import RateLimited
from interviewer.stt.transcriber import Busy
from interviewer.system import System

# NiceGUI renders pages with inline scripts and compiles Vue templates at run time ('unsafe-eval');
# TF.js runs WebAssembly ('wasm-unsafe-eval'). Everything is loaded from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=()"),
]


class SecurityHeaders:
    """Adds the security headers to every HTTP response (pure ASGI, so WebSockets pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                missing = [h for h in SECURITY_HEADERS if h[0] not in present]
                message["headers"] = [*message.get("headers", []), *missing]
            await send(message)

        await self.app(scope, receive, send_with_headers)


UNGUARDED_PATHS = ("/stt/stream", "/_nicegui")
"""Speech chunks have their own limit (STT_MAX_BODY_BYTES) and are no JSON; NiceGUI's socket has its own cap."""
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BodyGuard:
    """Refuses request bodies over MAX_REQUEST_BODY_BYTES with 413 before reading them all, and JSON bodies
    that FastAPI would parse but could not answer or store (see `strict_loads`) with 422. Bodies that are no
    JSON at all go on to FastAPI, which answers them with its usual 422.

    Pure ASGI: the body is read once here and handed on unchanged, so the routes see the same bytes.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS or scope["path"].startswith(UNGUARDED_PATHS):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body.extend(message.get("body", b""))
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        media = headers.get("content-type", "").partition(";")[0].strip().lower()
        is_json = not media or media == "application/json" or media.endswith("+json")  # as FastAPI decides
        if body and is_json:
            try:
                strict_loads(bytes(body))
            except UnsafeJson as problem:
                detail = [{"type": "json_invalid", "loc": ["body"], "msg": str(problem)}]
                await JSONResponse({"detail": detail}, status_code=422)(scope, receive, send)
                return
            except ValueError:
                pass
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body larger than {self.max_bytes} bytes"
        await JSONResponse({"detail": detail}, status_code=413, headers={"Connection": "close"})(scope, receive, send)


ROUTERS = (
    status.router,
    admin.router,
    sessions.router,
    team.router,
    results.router,
    webhooks.router,
    self_description.router,
    interview.router,
    report.router,
    stt.router,
    links.router,
    links.login_router,
)
"""Every HTTP route of the app (tests walk them to check that each one is gated or public on purpose)."""


def install(app: FastAPI, system: System) -> None:
    """Make `system` reachable from requests and register everything HTTP."""
    app.state.system = system
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RateLimited, _rate_limited)  # type: ignore[arg-type]
    app.add_exception_handler(Busy, _busy)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_middleware(BodyGuard, max_bytes=system.settings.max_request_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=system.settings.origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["Authorization", "Content-Type"],
    )


async def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422, but one that always encodes: values it cannot write as JSON are described instead.

    An invalid request counts against the caller's RATE_LIMIT_PER_MIN (per credential, else per address).
    """
    system: System = request.app.state.system
    try:
        system.limiter.hit("api", caller_key(request, system))
    except RateLimited as limited:
        return await _rate_limited(request, limited)
    return JSONResponse({"detail": _json_safe(jsonable_encoder(error.errors()))}, status_code=422)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str) and not encodable(value):
        return value.encode(errors="backslashreplace").decode()
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


async def _domain_error(_request: Request, error: DomainError) -> JSONResponse:
    return JSONResponse({"detail": error.detail}, status_code=error.status_code)


async def _rate_limited(_request: Request, error: RateLimited) -> JSONResponse:
    return JSONResponse(
        {"detail": f"too many requests; retry after {error.retry_after_s} s"},
        status_code=429,
        headers={"Retry-After": str(error.retry_after_s)},
    )


async def _busy(_request: Request, error: Busy) -> JSONResponse:
    return JSONResponse(
        {"detail": "speech recognition is busy, retrying", "retry_after_s": error.retry_after_s},
        status_code=503,
        headers={"Retry-After": str(error.retry_after_s)},
    )
