"""The admin's password: from ADMIN_PASSWORD, or generated once on first start; stored only as a hash."""

from __future__ import annotations

import secrets

from interviewer.db import Database
from interviewer.models import AppSetting
from interviewer.security import hash_password, verify_password

_KEY = "admin_password_hash"


class AdminAccount:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._hash = ""

    def ensure_password(self, configured: str) -> str | None:
        """Make sure a password hash is stored. Returns a newly generated password (to print once), else None."""
        with self._db.session() as s:
            row = s.get(AppSetting, _KEY)
            generated = None
            if configured and (row is None or not verify_password(configured, row.value)):
                row = AppSetting(key=_KEY, value=hash_password(configured))
            elif row is None:
                generated = secrets.token_urlsafe(12)
                row = AppSetting(key=_KEY, value=hash_password(generated))
            s.merge(row)
            self._hash = row.value
        return generated

    @property
    def password_hash(self) -> str:
        return self._hash

    def check(self, password: str) -> bool:
        return bool(self._hash) and verify_password(password, self._hash)
