"""Webhooks: an integrator's receiver hears of finalized reports and erasures, checks each signature, and gets a
delivery again (with growing gaps) while it fails — also after a restart."""

from __future__ import annotations

import asyncio
import json
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from interviewer.db import Database
from interviewer.webhooks import Backoff, DeliveryPublic, WebhookCreate, WebhookEvent, WebhookService
from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, CANDIDATE, answer_all, create_template, start
from tests.webhook_receiver import WebhookReceiver

SECRET = "whsec-0123456789abcdef"
DETAILED_SECRET = "whsec-fedcba9876543210"
DECISION = {"decision": "advance", "reason": "Strong pipeline design, invite to the panel."}
BODY = {"session_id": "s-1", "template_family_id": "t-1", "total": 71.5}


def hook(receiver: WebhookReceiver, path: str = "/hook") -> WebhookCreate:
    return WebhookCreate.model_validate(
        {"url": f"{receiver.url}{path}", "events": ["report.finalized"], "secret": SECRET}
    )


async def log_until(service: WebhookService, state: str, timeout_s: float = 20) -> list[DeliveryPublic]:
    """The delivery log once every delivery in it has `state`."""
    deadline = time.monotonic() + timeout_s
    while True:
        log = service.deliveries()
        if log and all(d.state == state for d in log):
            return log
        assert time.monotonic() < deadline, log
        await asyncio.sleep(0.05)


def test_by_default_the_first_retry_comes_within_30_s_and_retries_last_a_day() -> None:
    backoff, created = Backoff(), 1_000_000.0
    dues, now, attempts = [], created, 1
    while (due := backoff.next_due(created, attempts, now)) is not None:
        dues.append(due)
        now, attempts = due, attempts + 1
    assert dues[0] - created <= 30
    assert created + 23 * 3600 <= dues[-1] <= created + 24 * 3600
    assert all(b - a >= 0 for a, b in pairwise(dues))
    assert len(dues) < 50


async def test_a_failing_receiver_gets_the_same_signed_delivery_again_with_growing_gaps(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'hooks.db'}")
    db.create_tables()
    service = WebhookService(db, Backoff(first_s=0.3, factor=2, max_delay_s=5, give_up_after_s=60))
    with WebhookReceiver({"/hook": SECRET}, fail_first=3) as receiver:
        service.register(hook(receiver))
        loop = asyncio.create_task(service.run())
        assert service.emit(WebhookEvent.REPORT_FINALIZED, "s-1", BODY, {**BODY, "candidate": {"name": "x"}}) == 1
        arrivals = await asyncio.to_thread(receiver.wait_for, 4)
        [delivery] = await log_until(service, "delivered")
        loop.cancel()
    assert [a.answered for a in arrivals] == [503, 503, 503, 204]
    assert all(a.signature_ok and a.event == "report.finalized" for a in arrivals)
    assert all(a.body == {"event": "report.finalized", **BODY} for a in arrivals)  # no candidate details unasked
    gaps = [b.at - a.at for a, b in pairwise(arrivals)]
    for gap, expected in zip(gaps, [0.3, 0.6, 1.2], strict=True):
        assert expected - 0.05 <= gap <= expected + 1.0, gaps
    assert (delivery.attempts, delivery.last_status, delivery.next_attempt_at) == (4, 204, None)
    db.dispose()


async def test_pending_retries_continue_after_a_restart(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'hooks.db'}")
    db.create_tables()
    before = WebhookService(db, Backoff(first_s=1, factor=2, max_delay_s=5, give_up_after_s=60))
    with WebhookReceiver({"/hook": SECRET}, fail_first=1) as receiver:
        before.register(hook(receiver))
        unreachable = WebhookCreate.model_validate(
            {"url": "http://127.0.0.1:9/nobody", "events": ["report.finalized"], "secret": SECRET}
        )
        before.register(unreachable)
        loop = asyncio.create_task(before.run())
        before.emit(WebhookEvent.REPORT_FINALIZED, "s-1", BODY, BODY)
        await asyncio.to_thread(receiver.wait_for, 1)
        pending = await log_until(before, "pending")
        while any(d.attempts == 0 for d in pending):
            await asyncio.sleep(0.05)
            pending = before.deliveries()
        loop.cancel()  # the app stops before the retry is due
        by_url = {d.url: d for d in pending}
        assert by_url["http://127.0.0.1:9/nobody"].last_error == "ConnectError"
        assert by_url[f"{receiver.url}/hook"].last_status == 503

        after = WebhookService(db)  # the next start, with the default schedule
        loop = asyncio.create_task(after.run())
        [first, retried] = await asyncio.to_thread(receiver.wait_for, 2)
        loop.cancel()
    assert (first.answered, retried.answered, retried.signature_ok) == (503, 204, True)
    assert retried.body == first.body
    db.dispose()


def api(app: AppProcess, method: str, path: str, **kwargs: Any) -> Any:
    with app.client() as client:
        return client.request(method, path, headers=admin_headers(), **kwargs)


def test_an_integrator_hears_of_a_finalized_report_and_an_erasure(app_process: AppProcess) -> None:
    with WebhookReceiver({"/plain": SECRET, "/detailed": DETAILED_SECRET}) as receiver:
        plain = api(
            app_process,
            "POST",
            "/api/webhooks",
            json={"url": f"{receiver.url}/plain", "events": list(WebhookEvent), "secret": SECRET},
        )
        detailed = api(
            app_process,
            "POST",
            "/api/webhooks",
            json={
                "url": f"{receiver.url}/detailed",
                "events": ["report.finalized"],
                "secret": DETAILED_SECRET,
                "include_candidate": True,
            },
        )
        assert (plain.status_code, detailed.status_code) == (201, 201), plain.text
        with app_process.client() as client:
            family_id = create_template(client)["family_id"]
            started = start(client, family_id)
        answer_all(app_process, started, [ANSWER_1, ANSWER_2])
        session_id = started["session_id"]
        arrivals = {a.path: a for a in receiver.wait_for(2)}
        report = api(app_process, "GET", f"/report/{session_id}.json").json()

        resent = api(app_process, "POST", f"/api/webhooks/deliveries/{_delivery_id(app_process, '/plain')}/send-again")
        assert resent.status_code == 201
        again = receiver.wait_for(3)[2]
        decided = api(app_process, "POST", f"/api/sessions/{session_id}/decision", json=DECISION)
        assert decided.status_code == 200, decided.text
        decision = receiver.wait_for(4)[3]
        assert api(app_process, "DELETE", f"/api/sessions/{session_id}").status_code == 200
        erased = receiver.wait_for(5)[4]
        log = api(app_process, "GET", "/api/webhooks/deliveries").json()
        listed = api(app_process, "GET", "/api/webhooks").json()

    body = arrivals["/plain"].body
    assert all(a.signature_ok for a in [*arrivals.values(), again, decision, erased])
    assert arrivals["/plain"].event == "report.finalized"
    assert (body["session_id"], body["template_family_id"]) == (session_id, family_id)
    assert body["total"] == report["scores"]["total"]
    assert body["rules_fired"] == []  # honest answers: no rule capped or flagged a score
    assert CANDIDATE not in json.dumps(body)
    assert ANSWER_1 not in json.dumps(body)
    with_details = arrivals["/detailed"].body
    assert with_details["candidate"]["name"] == CANDIDATE
    assert [a["answer"] for a in with_details["answers"]] == [ANSWER_1, ANSWER_2]
    assert again.body == body  # "send again": the same body, signed afresh
    assert (decision.path, decision.event) == ("/plain", "decision.made")
    assert {k: decision.body[k] for k in ("session_id", "template_family_id", "decision", "by")} == {
        "session_id": session_id,
        "template_family_id": family_id,
        "decision": "advance",
        "by": "API",
    }
    assert "reason" not in decision.body  # it may describe the candidate: only with details
    assert (erased.path, erased.event, erased.body["session_id"]) == ("/plain", "session.erased", session_id)
    # erasing the candidate erased the deliveries that were about them; the erasure's own is logged
    assert [(d["event"], d["state"]) for d in log if d["session_id"] == session_id] == [("session.erased", "delivered")]
    assert all("secret" not in w for w in listed)
    assert len(listed) == 2


def _delivery_id(app: AppProcess, path: str) -> int:
    log = api(app, "GET", "/api/webhooks/deliveries").json()
    deadline = time.monotonic() + 10
    while not any(d["url"].endswith(path) and d["state"] == "delivered" for d in log):
        assert time.monotonic() < deadline, log
        time.sleep(0.05)
        log = api(app, "GET", "/api/webhooks/deliveries").json()
    return int(next(d["id"] for d in log if d["url"].endswith(path)))


def test_webhooks_are_for_admins_and_only_http_urls(app_process: AppProcess) -> None:
    good = {"url": "https://hooks.example.org/interviewer", "events": ["decision.made"], "secret": SECRET}
    with app_process.client() as client:
        anonymous = client.post("/api/webhooks", json=good)
    ftp = api(app_process, "POST", "/api/webhooks", json={**good, "url": "ftp://hooks.example.org/x"})
    short = api(app_process, "POST", "/api/webhooks", json={**good, "secret": "short"})
    unknown = api(app_process, "POST", "/api/webhooks", json={**good, "events": ["report.viewed"]})
    created = api(app_process, "POST", "/api/webhooks", json=good).json()["id"]
    deleted = api(app_process, "DELETE", f"/api/webhooks/{created}")
    again = api(app_process, "DELETE", f"/api/webhooks/{created}")
    assert anonymous.status_code == 401
    assert (ftp.status_code, short.status_code, unknown.status_code) == (422, 422, 422)
    assert (deleted.status_code, again.status_code) == (204, 404)
