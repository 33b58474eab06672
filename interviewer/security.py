"""Secrets and credentials: passwords, the team's login cookie, invite tokens, signed session tokens.

All signing uses SESSION_SECRET through itsdangerous with a distinct salt per purpose, so a token made
for one purpose never verifies as another. Login cookies and login tickets also name an id that the server
keeps (`AdminSessionStore`): logging out ends a cookie there, and a ticket is used up there.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

ADMIN_COOKIE = "iv_admin"
CANDIDATE_COOKIE = "iv_candidate"
ADMIN_COOKIE_MAX_AGE_S = 12 * 3600
CANDIDATE_COOKIE_MAX_AGE_S = 7 * 24 * 3600
LOGIN_TICKET_MAX_AGE_S = 60
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """scrypt hash with a random salt, as `scrypt$<salt hex>$<hash hex>`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of `password` against a `hash_password` value."""
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_invite_token() -> str:
    """A 192-bit URL-safe invite token."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """SHA-256 of a high-entropy token (what is stored instead of the token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison; an empty expected secret never matches."""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    """True for no Origin header (non-browser clients) or an origin on the allowlist."""
    if origin is None:
        return True
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" in allowed


class AdminSessionStore(Protocol):
    """Where the server keeps live admin sessions and unredeemed login tickets (`interviewer.admin_sessions`)."""

    def start(self, lifetime_s: int) -> str: ...
    def active(self, session_id: str) -> bool: ...
    def end(self, session_id: str) -> None: ...
    def new_ticket(self, lifetime_s: int) -> str: ...
    def redeem_ticket(self, ticket_id: str) -> bool: ...


class Signer:
    """Makes and checks the app's signed values (cookies, login tickets, session tokens)."""

    def __init__(self, secret: str, admin_sessions: AdminSessionStore) -> None:
        self._secret = secret
        self._admin_sessions = admin_sessions

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"interviewer.{purpose}")

    def _load(self, purpose: str, value: str, max_age_s: int) -> dict[str, Any] | None:
        try:
            data = self._serializer(purpose).loads(value, max_age=max_age_s)
        except (BadSignature, SignatureExpired):
            return None
        return data if isinstance(data, dict) else None

    # the hiring team
    def team_cookie(self, account_id: int, password_hash: str) -> str:
        """Cookie value for a newly logged-in account; logging out or a new password ends it."""
        session_id = self._admin_sessions.start(ADMIN_COOKIE_MAX_AGE_S)
        return self._serializer("team").dumps(
            {"uid": account_id, "pw": hash_token(password_hash)[:16], "sid": session_id}
        )

    def team_cookie_account(self, value: str | None, password_hash_of: Callable[[int], str | None]) -> int | None:
        """The account a cookie logs in, while its login lasts and the account's password (from
        `password_hash_of`, None for a disabled account) is the one it was made with."""
        data = self._load("team", value or "", ADMIN_COOKIE_MAX_AGE_S)
        if data is None or not isinstance(account_id := data.get("uid"), int):
            return None
        stored = password_hash_of(account_id)
        if stored is None or data.get("pw") != hash_token(stored)[:16]:
            return None
        return account_id if self._admin_sessions.active(str(data.get("sid", ""))) else None

    def end_team_cookie(self, value: str | None) -> None:
        """Log out: the cookie's session ends on the server, whatever the browser keeps."""
        data = self._load("team", value or "", ADMIN_COOKIE_MAX_AGE_S)
        if data is not None and data.get("sid"):
            self._admin_sessions.end(str(data["sid"]))

    def login_ticket(self, account_id: int) -> str:
        """A one-time, one-minute ticket that the login page exchanges for the account's cookie."""
        nonce = self._admin_sessions.new_ticket(LOGIN_TICKET_MAX_AGE_S)
        return self._serializer("login").dumps({"nonce": nonce, "uid": account_id})

    def redeem_login_ticket(self, ticket: str) -> int | None:
        """The ticket's account, once per ticket (also across restarts: the server keeps which are still open)."""
        data = self._load("login", ticket, LOGIN_TICKET_MAX_AGE_S)
        if data is None or not isinstance(account_id := data.get("uid"), int):
            return None
        return account_id if self._admin_sessions.redeem_ticket(str(data.get("nonce", ""))) else None

    # candidate
    def candidate_cookie(self, session_id: str) -> str:
        """Cookie that binds a browser to the session its invite link opened."""
        return self._serializer("candidate").dumps({"sid": session_id})

    def candidate_session(self, value: str | None) -> str | None:
        data = self._load("candidate", value or "", CANDIDATE_COOKIE_MAX_AGE_S)
        return str(data["sid"]) if data and "sid" in data else None

    # API clients of one session (WS and STT)
    def session_token(self, session_id: str) -> str:
        """Short-lived bearer token for one session's WS and STT calls."""
        return self._serializer("session").dumps({"sid": session_id})

    def session_of_token(self, token: str, max_age_s: int) -> str | None:
        data = self._load("session", token, max_age_s)
        return str(data["sid"]) if data and "sid" in data else None
