"""Webhooks: tell the URLs an admin registered when a report is finalized, a decision is made or a candidate is
erased.

Each event becomes one delivery row per subscribed webhook, in the database, before anything is sent: a delivery
loop (`run`, started in `main.py`) posts the JSON body with `X-Interviewer-Event` and
`X-Interviewer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, and retries a non-2xx
answer or a connection error with exponential backoff (`Backoff`) for a day. A restart continues the pending
retries. Bodies name the session and the template; the candidate's name, e-mail and answers only for a webhook
with `include_candidate`. Nothing is sent anywhere but to the registered URLs, and the log never names them.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator
from sqlmodel import col, delete, select

from interviewer.db import Database
from interviewer.errors import NotFound
from interviewer.event_messages import DecisionMade, EventMessage, ReportReady, SessionErased
from interviewer.invites import as_utc
from interviewer.models import StoredReport, Webhook, WebhookDelivery, utc_now
from interviewer.report.schema import Report

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Interviewer-Signature"
EVENT_HEADER = "X-Interviewer-Event"
DELIVERY_HEADER = "X-Interviewer-Delivery"
BATCH = 20  # deliveries sent at once
LOG_SIZE = 100


class WebhookEvent(enum.StrEnum):
    REPORT_FINALIZED = "report.finalized"
    DECISION_MADE = "decision.made"
    SESSION_ERASED = "session.erased"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Interviewer-Signature` value: `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass(frozen=True)
class Backoff:
    """When to try a failed delivery again: `first_s` after the first attempt, then `factor` times longer each
    time up to `max_delay_s`, until `give_up_after_s` after the event (defaults: 10 s, 20 s, 40 s, … hourly, for
    a day; about 30 attempts)."""

    first_s: float = 10.0
    factor: float = 2.0
    max_delay_s: float = 3600.0
    give_up_after_s: float = 86_400.0

    def next_due(self, created: float, attempts: int, now: float) -> float | None:
        """Unix seconds of the next attempt after `attempts` failed ones, or None: give up."""
        delay = min(self.max_delay_s, self.first_s * self.factor ** (attempts - 1))
        due = now + delay
        return due if due <= created + self.give_up_after_s else None


class WebhookCreate(BaseModel):
    """A URL to post events to, the events it wants, and the secret that signs them."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrl = Field(description="http or https; the only address deliveries go to.")
    events: list[WebhookEvent] = Field(min_length=1, max_length=3)
    secret: str = Field(min_length=16, max_length=200, description="Shared with the receiver to check signatures.")
    include_candidate: bool = Field(
        default=False,
        description="true: bodies carry the candidate's name and e-mail and, for report.finalized, the answers.",
    )

    @field_validator("events")
    @classmethod
    def _unique(cls, events: list[WebhookEvent]) -> list[WebhookEvent]:
        return list(dict.fromkeys(events))

    @field_validator("url")
    @classmethod
    def _web_address(cls, url: HttpUrl) -> HttpUrl:
        if url.scheme not in ("http", "https") or len(str(url)) > 2000:
            raise ValueError("the URL must be http:// or https:// and at most 2000 characters")
        return url


class WebhookPublic(BaseModel):
    """A registered webhook as listed (never its secret)."""

    id: int
    url: str
    events: list[WebhookEvent]
    include_candidate: bool
    created_at: datetime


class DeliveryPublic(BaseModel):
    """One line of the delivery log."""

    id: int
    webhook_id: int
    url: str
    event: str
    session_id: str | None
    state: str = Field(description="pending (retries left), delivered, or failed (gave up after a day)")
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class WebhookService:
    """Registered webhooks and their deliveries; the one writer of both tables (the erasure aside)."""

    def __init__(
        self,
        db: Database,
        backoff: Backoff | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self._db = db
        self.backoff = backoff or Backoff()
        self._timeout_s = timeout_s
        self._wake = asyncio.Event()

    # ---------------------------------------------------------------- registration

    def register(self, webhook: WebhookCreate) -> int:
        """Store the webhook; returns its id."""
        row = Webhook(
            url=str(webhook.url),
            events=[e.value for e in webhook.events],
            secret=webhook.secret,
            include_candidate=webhook.include_candidate,
        )
        with self._db.session() as s:
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def registered(self) -> list[WebhookPublic]:
        with self._db.session() as s:
            rows = s.exec(select(Webhook).order_by(col(Webhook.id))).all()
        return [
            WebhookPublic(
                id=row.id or 0,
                url=row.url,
                events=[WebhookEvent(e) for e in row.events],
                include_candidate=row.include_candidate,
                created_at=as_utc(row.created_at),
            )
            for row in rows
        ]

    def remove(self, webhook_id: int) -> None:
        """Delete the webhook with its deliveries (pending ones are not sent); NotFound if unknown."""
        with self._db.session() as s:
            row = s.get(Webhook, webhook_id)
            if row is None:
                raise NotFound(f"no webhook {webhook_id}")
            s.exec(delete(WebhookDelivery).where(col(WebhookDelivery.webhook_id) == webhook_id))
            s.delete(row)

    # ---------------------------------------------------------------- events

    def on_event(self, message: EventMessage) -> None:
        """Bus listener: a finalized report, a decision and an erasure become deliveries."""
        session_id = message.session_id
        if isinstance(message, ReportReady):
            self.emit(WebhookEvent.REPORT_FINALIZED, session_id, *self._report_bodies(session_id))
        elif isinstance(message, DecisionMade):
            self.emit(WebhookEvent.DECISION_MADE, session_id, *self._decision_bodies(session_id))
        elif isinstance(message, SessionErased):
            body = {"session_id": session_id, "erased_at": utc_now().isoformat()}
            self.emit(WebhookEvent.SESSION_ERASED, session_id, body, body)

    def emit(self, event: WebhookEvent, session_id: str | None, body: dict[str, Any], detailed: dict[str, Any]) -> int:
        """Queue `event` for every webhook that wants it: `detailed` for those with `include_candidate`, else
        `body`. Returns how many deliveries were queued; the delivery loop sends them at once."""
        now = time.time()
        queued = 0
        with self._db.session() as s:
            for webhook in s.exec(select(Webhook)).all():
                if event.value not in webhook.events:
                    continue
                content = {"event": event.value, **(detailed if webhook.include_candidate else body)}
                s.add(
                    WebhookDelivery(
                        webhook_id=webhook.id or 0,
                        event=event.value,
                        session_id=session_id,
                        body=json.dumps(content, ensure_ascii=False, separators=(",", ":")),
                        due_at=now,
                    )
                )
                queued += 1
        if queued:
            self._wake.set()
        return queued

    def _report_bodies(self, session_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The report.finalized bodies: scores only, and with the candidate's details."""
        report = self._report(session_id)
        body: dict[str, Any] = {
            "session_id": session_id,
            "template_family_id": report.template.family_id,
            "template_version": report.template.version,
            "total": report.scores.total,
            "rules_fired": report.rules_fired(),
            "ai_scoring": report.ai_scoring,
            "scores": [
                {"criterion_id": c.criterion_id, "name": c.name, "score": c.score} for c in report.scores.criteria
            ],
            "finalized_at": report.generated_at.isoformat(),
            "report_url": f"/report/{session_id}.json",
        }
        detailed = {
            **body,
            "candidate": {"name": report.candidate.name, "email": report.candidate.email},
            "answers": [
                {"question_id": a.question_id, "question": a.question, "answer": a.answer} for a in report.answers
            ],
        }
        return body, detailed

    def _decision_bodies(self, session_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The decision.made bodies: the decision, who made it and when; the reason (which may describe the
        candidate) and the candidate only with details."""
        report = self._report(session_id)
        if report.decision is None:
            raise NotFound(f"no decision for session {session_id}")
        decision = report.decision
        body: dict[str, Any] = {
            "session_id": session_id,
            "template_family_id": report.template.family_id,
            "decision": decision.decision,
            "by": decision.by,
            "at": decision.at.isoformat(),
        }
        detailed = {
            **body,
            "reason": decision.reason,
            "candidate": {"name": report.candidate.name, "email": report.candidate.email},
        }
        return body, detailed

    def _report(self, session_id: str) -> Report:
        with self._db.session() as s:
            stored = s.get(StoredReport, session_id)
        if stored is None:  # erased meanwhile
            raise NotFound(f"no report for session {session_id}")
        return Report.model_validate_json(stored.report_json)

    # ---------------------------------------------------------------- the log

    def deliveries(self, limit: int = LOG_SIZE) -> list[DeliveryPublic]:
        """The newest deliveries first."""
        with self._db.session() as s:
            rows = s.exec(
                select(WebhookDelivery, Webhook)
                .join(Webhook, col(Webhook.id) == WebhookDelivery.webhook_id)
                .order_by(col(WebhookDelivery.id).desc())
                .limit(limit)
            ).all()
        return [
            DeliveryPublic(
                id=d.id or 0,
                webhook_id=d.webhook_id,
                url=w.url,
                event=d.event,
                session_id=d.session_id,
                state=d.state,
                attempts=d.attempts,
                last_status=d.last_status,
                last_error=d.last_error,
                created_at=as_utc(d.created_at),
                next_attempt_at=datetime.fromtimestamp(d.due_at, utc_now().tzinfo) if d.due_at is not None else None,
                delivered_at=as_utc(d.delivered_at) if d.delivered_at else None,
            )
            for d, w in rows
        ]

    def send_again(self, delivery_id: int) -> int:
        """Queue the same body to the same webhook once more, as a new delivery (the log keeps the old one)."""
        with self._db.session() as s:
            old = s.get(WebhookDelivery, delivery_id)
            if old is None:
                raise NotFound(f"no delivery {delivery_id}")
            again = WebhookDelivery(
                webhook_id=old.webhook_id, event=old.event, session_id=old.session_id, body=old.body, due_at=time.time()
            )
            s.add(again)
            s.flush()
            assert again.id is not None
            new_id = again.id
        self._wake.set()
        return new_id

    # ---------------------------------------------------------------- delivery

    async def run(self) -> None:
        """Deliver what is due, then sleep until the next retry is due or an event arrives; runs until cancelled."""
        async with httpx.AsyncClient(timeout=self._timeout_s, follow_redirects=False) as client:
            while True:
                self._wake.clear()
                try:
                    await self.deliver_due(client)
                except Exception:  # e.g. the database briefly unavailable: try again shortly
                    log.exception("webhook deliveries failed; trying again")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._sleep_s())

    async def deliver_due(self, client: httpx.AsyncClient) -> int:
        """Send every delivery that is due (in batches); returns how many were attempted."""
        attempted = 0
        while claimed := self._claim_due():
            await asyncio.gather(*(self._deliver(client, d, w) for d, w in claimed))
            attempted += len(claimed)
        return attempted

    def _claim_due(self) -> list[tuple[WebhookDelivery, Webhook]]:
        """Up to BATCH due deliveries, leased for the time one attempt may take (another replica skips them)."""
        now = time.time()
        with self._db.session() as s:
            rows = s.exec(
                select(WebhookDelivery, Webhook)
                .join(Webhook, col(Webhook.id) == WebhookDelivery.webhook_id)
                .where(col(WebhookDelivery.due_at) <= now)
                .order_by(col(WebhookDelivery.due_at))
                .limit(BATCH)
                .with_for_update(skip_locked=True, of=WebhookDelivery)
            ).all()
            for delivery, _ in rows:
                delivery.due_at = now + self._timeout_s + 30
                s.add(delivery)
        return list(rows)

    async def _deliver(self, client: httpx.AsyncClient, delivery: WebhookDelivery, webhook: Webhook) -> None:
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Interviewer-Webhooks/1",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.id),
            SIGNATURE_HEADER: sign(webhook.secret, int(time.time()), body),
        }
        status: int | None = None
        error: str | None = None
        try:
            response = await client.post(webhook.url, content=body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.HTTPError as failure:
            error = type(failure).__name__  # no URL in it: it may carry a token
        self._record(delivery.id or 0, status, error)

    def _record(self, delivery_id: int, status: int | None, error: str | None) -> None:
        now = time.time()
        with self._db.session() as s:
            delivery = s.get(WebhookDelivery, delivery_id)
            if delivery is None:  # its webhook was deleted, or its candidate erased, meanwhile
                return
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = status, error
            if error is None:
                delivery.state, delivery.due_at, delivery.delivered_at = "delivered", None, utc_now()
            else:
                created = as_utc(delivery.created_at).timestamp()
                delivery.due_at = self.backoff.next_due(created, delivery.attempts, now)
                if delivery.due_at is None:
                    delivery.state = "failed"
                    log.warning("webhook delivery %s: gave up after %d attempts", delivery_id, delivery.attempts)
            s.add(delivery)

    def _sleep_s(self) -> float:
        """Seconds until the next delivery is due (at most a minute: a replica's lease may lapse meanwhile)."""
        with self._db.session() as s:
            due = s.exec(
                select(WebhookDelivery.due_at)
                .where(col(WebhookDelivery.due_at).is_not(None))
                .order_by(col(WebhookDelivery.due_at))
                .limit(1)
            ).first()
        return 60.0 if due is None else min(60.0, max(0.0, due - time.time()))
