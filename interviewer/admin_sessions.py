"""Admin logins kept on the server: sessions that logging out ends, one-time tickets, and backoff after failures.

The admin cookie and the login ticket are signed (`security.Signer`) and name a random id; this module keeps
which ids are live, in the database, so logging out ends a cookie at once and a used ticket stays used after
a restart. Only hashes of the ids are stored.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, delete, select

from interviewer.db import Database
from interviewer.models import AppSetting
from interviewer.security import hash_token

_SESSION = "admin_session:"
_TICKET = "login_ticket:"


class AdminSessions:
    """Live admin sessions and unredeemed login tickets, as `AppSetting` rows `<kind>:<hash>` → expiry (epoch s)."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def start(self, lifetime_s: int) -> str:
        """A new session id, live for `lifetime_s`."""
        return self._issue(_SESSION, lifetime_s)

    def active(self, session_id: str) -> bool:
        return self._live(_SESSION, session_id)

    def end(self, session_id: str) -> None:
        with self._db.session() as s:
            s.exec(delete(AppSetting).where(col(AppSetting.key) == _key(_SESSION, session_id)))

    def new_ticket(self, lifetime_s: int) -> str:
        return self._issue(_TICKET, lifetime_s)

    def redeem_ticket(self, ticket_id: str) -> bool:
        """True once per ticket while it is fresh; the ticket is used up either way."""
        key = _key(_TICKET, ticket_id)
        with self._db.session() as s:
            row = s.get(AppSetting, key, with_for_update=True)
            if row is None:
                return False
            s.delete(row)
            return float(row.value) > self._clock()

    def _issue(self, kind: str, lifetime_s: int) -> str:
        token = secrets.token_urlsafe(24)
        now = self._clock()
        with self._db.session() as s:
            for row in s.exec(select(AppSetting).where(col(AppSetting.key).startswith(kind))):
                if float(row.value) <= now:  # expired: forget it
                    s.delete(row)
            s.add(AppSetting(key=_key(kind, token), value=str(now + lifetime_s)))
        return token

    def _live(self, kind: str, token: str) -> bool:
        if not token:
            return False
        with self._db.session() as s:
            row = s.get(AppSetting, _key(kind, token))
        return row is not None and float(row.value) > self._clock()


def _key(kind: str, token: str) -> str:
    return kind + hash_token(token)[:40]  # AppSetting keys hold 64 characters


@dataclass
class _Failures:
    count: int = 0
    last_at: float = 0.0


class LoginBackoff:
    """Failed admin logins make the next attempt wait, per client address and for the account as a whole.

    After `free_per_address` failures from one address (or `free_per_account` from all addresses together)
    each further failure doubles the wait, from 1 s up to `max_wait_s`; an hour without failures, or a
    successful login from the address, starts over. 10 tries a minute would allow ≈ 14,400 guesses a day;
    with this, one address gets ≈ 100 and the account ≈ 120. So that a guesser cannot lock the admin out,
    the account's wait does not apply to addresses that logged in successfully before (since the start).
    """

    FORGET_AFTER_S = 3600
    MAX_ADDRESSES = 10_000

    def __init__(
        self,
        free_per_address: int = 5,
        free_per_account: int = 20,
        max_wait_s: int = 900,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_per_address = free_per_address
        self.free_per_account = free_per_account
        self.max_wait_s = max_wait_s
        self._clock = clock
        self._addresses: dict[str, _Failures] = {}
        self._account = _Failures()
        self._known: set[str] = set()

    def wait_s(self, address: str) -> int:
        """Seconds until `address` may try again (0: now)."""
        now = self._clock()
        own = self._remaining(self._addresses.get(address), self.free_per_address, now)
        if address in self._known:
            return own
        return max(own, self._remaining(self._account, self.free_per_account, now))

    def failed(self, address: str) -> None:
        now = self._clock()
        if len(self._addresses) >= self.MAX_ADDRESSES:
            self._addresses = {a: f for a, f in self._addresses.items() if now - f.last_at < self.FORGET_AFTER_S}
        for failures in (self._addresses.setdefault(address, _Failures()), self._account):
            if now - failures.last_at >= self.FORGET_AFTER_S:
                failures.count = 0
            failures.count += 1
            failures.last_at = now

    def succeeded(self, address: str) -> None:
        self._addresses.pop(address, None)
        self._account = _Failures()
        if len(self._known) < self.MAX_ADDRESSES:
            self._known.add(address)

    def _remaining(self, failures: _Failures | None, free: int, now: float) -> int:
        if failures is None or failures.count < free or now - failures.last_at >= self.FORGET_AFTER_S:
            return 0
        wait: int = min(self.max_wait_s, 2 ** (failures.count - free))
        return max(0, math.ceil(failures.last_at + wait - now))
