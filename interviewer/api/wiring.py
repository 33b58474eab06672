"""Attach routers, error handlers and middleware (CORS, security headers) to the app."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interviewer.api import admin, interview, links, report, status, stt
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


def install(app: FastAPI, system: System) -> None:
    """Make `system` reachable from requests and register everything HTTP."""
    app.state.system = system
    for router in (status.router, admin.router, interview.router, report.router, stt.router, links.router):
        app.include_router(router)
    app.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RateLimited, _rate_limited)  # type: ignore[arg-type]
    app.add_exception_handler(Busy, _busy)  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=system.settings.origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["Authorization", "Content-Type"],
    )


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
