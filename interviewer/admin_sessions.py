"""Team logins kept on the server: sessions that logging out ends, one-time tickets, and backoff after failures.

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

from interviewer.accounts import Accounts, login_name
from interviewer.db import Database
from interviewer.models import Account, AppSetting
from interviewer.ratelimit import RateLimited, RateLimiter
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
    """Failed logins make the next attempt wait, per client address and per account (the login typed).

    After `free_per_address` failures from one address (or `free_per_account` on one account, from all addresses
    together) each further failure doubles the wait, from 1 s up to `max_wait_s`; an hour without failures, or a
    successful login, starts over. 10 tries a minute would allow ≈ 14,400 guesses a day; with this, one address
    gets ≈ 100 and an account ≈ 120. So that a guesser cannot lock an account's owner out, the account's wait does
    not apply to the addresses that account logged in from before (since the start).
    """

    FORGET_AFTER_S = 3600
    MAX_KEPT = 10_000

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
        self._accounts: dict[str, _Failures] = {}
        self._known: set[tuple[str, str]] = set()  # (login, address) of successful logins

    def wait_s(self, address: str, login: str) -> int:
        """Seconds until `address` may try `login` again (0: now)."""
        now = self._clock()
        own = self._remaining(self._addresses.get(address), self.free_per_address, now)
        if (login, address) in self._known:
            return own
        return max(own, self._remaining(self._accounts.get(login), self.free_per_account, now))

    def failed(self, address: str, login: str) -> None:
        now = self._clock()
        for table in (self._addresses, self._accounts):
            if len(table) >= self.MAX_KEPT:  # drop what an hour forgot (made-up logins, many addresses)
                for key in [k for k, f in table.items() if now - f.last_at >= self.FORGET_AFTER_S]:
                    del table[key]
        own, account = self._addresses.setdefault(address, _Failures()), self._accounts.setdefault(login, _Failures())
        for failures in (own, account):
            if now - failures.last_at >= self.FORGET_AFTER_S:
                failures.count = 0
            failures.count += 1
            failures.last_at = now

    def succeeded(self, address: str, login: str) -> None:
        self._addresses.pop(address, None)
        self._accounts.pop(login, None)
        if len(self._known) < self.MAX_KEPT:
            self._known.add((login, address))

    def _remaining(self, failures: _Failures | None, free: int, now: float) -> int:
        if failures is None or failures.count < free or now - failures.last_at >= self.FORGET_AFTER_S:
            return 0
        wait: int = min(self.max_wait_s, 2 ** (failures.count - free))
        return max(0, math.ceil(failures.last_at + wait - now))


class LoginGate:
    """The one way in with a password, for the login page and `POST /auth/login`: the address's rate limit, then
    the back-off (the password is not even checked while it runs), then the password."""

    def __init__(self, accounts: Accounts, limiter: RateLimiter, backoff: LoginBackoff) -> None:
        self._accounts = accounts
        self._limiter = limiter
        self.backoff = backoff

    def attempt(self, login: str, password: str, address: str) -> Account | None:
        """The account, or None for a wrong password or e-mail; raises `RateLimited` (with the seconds to wait)
        while the address or the account has to wait."""
        self._limiter.hit("login", address)
        name = login_name(login)
        if wait_s := self.backoff.wait_s(address, name):
            raise RateLimited(wait_s)
        account = self._accounts.authenticate(name, password)
        if account is None or account.id is None:
            self.backoff.failed(address, name)
            return None
        self.backoff.succeeded(address, name)
        return account
