"""Webhooks for integrators: register, list and delete them, read the delivery log, send a delivery again (admins)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from interviewer.api.deps import AdminCaller, RateLimitedApi, SystemDep
from interviewer.api.errors import error_responses
from interviewer.audit import AuditAction
from interviewer.webhooks import DeliveryPublic, WebhookCreate, WebhookPublic

router = APIRouter(
    prefix="/api/webhooks", tags=["webhooks"], dependencies=[RateLimitedApi], responses=error_responses(401, 403, 429)
)


class Created(BaseModel):
    id: int


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(413, 422))
def register_webhook(webhook: WebhookCreate, system: SystemDep, caller: AdminCaller) -> Created:
    """Post `events` (report.finalized, decision.made, session.erased) to `url`, signed with `secret`."""
    webhook_id = system.webhooks.register(webhook)
    system.audit.record(caller.name, AuditAction.WEBHOOK_CHANGED, f"webhook {webhook_id}", "registered")
    return Created(id=webhook_id)


@router.get("")
def list_webhooks(system: SystemDep, _caller: AdminCaller) -> list[WebhookPublic]:
    """The registered webhooks (their secrets are never shown again)."""
    return system.webhooks.registered()


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404, 422))
def delete_webhook(webhook_id: int, system: SystemDep, caller: AdminCaller) -> Response:
    """Remove the webhook and its deliveries (pending ones are not sent)."""
    system.webhooks.remove(webhook_id)
    system.audit.record(caller.name, AuditAction.WEBHOOK_CHANGED, f"webhook {webhook_id}", "deleted")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/deliveries")
def list_deliveries(system: SystemDep, _caller: AdminCaller) -> list[DeliveryPublic]:
    """The newest 100 deliveries: state (pending, delivered, failed), attempts, last answer, next attempt."""
    return system.webhooks.deliveries()


@router.post(
    "/deliveries/{delivery_id}/send-again", status_code=status.HTTP_201_CREATED, responses=error_responses(404, 422)
)
def send_again(delivery_id: int, system: SystemDep, _caller: AdminCaller) -> Created:
    """Send a delivery's body to its webhook once more, as a new delivery."""
    return Created(id=system.webhooks.send_again(delivery_id))
