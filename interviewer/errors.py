"""Domain errors. The API turns them into HTTP status codes with a JSON `detail`; pages show them."""


class DomainError(Exception):
    """Base class; `status_code` is what the HTTP API answers."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The request does not fit the current state (e.g. answering a finished interview)."""

    status_code = 409


class Invalid(DomainError):
    """Well-formed but unacceptable input (e.g. an answer over the length limit)."""

    status_code = 422


class TooLarge(DomainError):
    """More data than the request may carry or keep (e.g. audio past an answer's time limit)."""

    status_code = 413


class LinkProblem(DomainError):
    """An invite link that cannot be used; `reason` is one of invalid, expired, revoked, used."""

    _STATUS = {"invalid": 403, "used": 409, "expired": 410, "revoked": 410}

    def __init__(self, reason: str) -> None:
        super().__init__(f"invite token is {reason}")
        self.reason = reason
        self.status_code = self._STATUS.get(reason, 403)
