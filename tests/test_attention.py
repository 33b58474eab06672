"""Attention events: only small measured events are accepted, stored, summarized and reported."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By

from interviewer.attention import summarize
from interviewer.models import AttentionEventRow
from tests.browser import begin_interview, browser_log, chromium, log_in_as_admin, requested_urls, wait_for_text
from tests.conftest import ADMIN_PASSWORD, AppProcess, admin_headers
from tests.helpers import TEMPLATE, create_template, invite, receive_until, receive_until_any, start, ws_connect
from tests.video import astronaut_face, face_that_leaves, phone_held_up


def event(kind: str = "tab_hidden", **extra: Any) -> dict[str, Any]:
    return {
        "type": "attention",
        "event": kind,
        "start_ms": int(time.time() * 1000) - 5000,
        "duration_ms": 2000,
        "confidence": 0.9,
        **extra,
    }


def test_events_are_validated_stored_and_reported(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
            receive_until(ws, "state")
            replies = []
            for message in (
                event("tab_hidden"),
                event("looking_away", yaw_deg=34.5),
                event("face_absent", frame="data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ"),  # pixels: refused
                event("paste", blob="A" * 5000),  # over 4 KB: refused
                event("daydreaming"),
                event("tab_hidden", start_ms=int(time.time() * 1000) + 3_600_000),
                event("window_blur", nested={"x": 1}),
            ):
                ws.send(json.dumps(message))
                replies.append(receive_until_any(ws, {"ack", "error"}))
        report = client.post(
            "/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers()
        ).json()["report"]
    assert [r["type"] for r in replies] == ["ack", "ack", "error", "error", "error", "error", "error"]
    assert "image data" in replies[2]["detail"]
    assert "4096 bytes" in replies[3]["detail"]
    assert "event" in replies[4]["detail"]
    assert "future" in replies[5]["detail"]
    attention = report["attention"]
    assert attention["monitored"] is True
    assert [e["event"] for e in attention["events"]] == ["tab_hidden", "looking_away"]
    assert attention["events"][1]["yaw_deg"] == 34.5
    assert {k["kind"]: k["count"] for k in attention["by_kind"]} == {"looking_away": 1, "tab_hidden": 1}


def test_only_an_integrity_criterion_turns_flags_into_points(app_process: AppProcess) -> None:
    integrity = {"id": "c-integrity", "name": "Integrity", "kind": "integrity"}
    with app_process.client() as client:
        template = {**TEMPLATE, "criteria": [*TEMPLATE["criteria"], integrity]}
        started = start(client, create_template(client, template)["family_id"])
        with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
            receive_until(ws, "state")
            ws.send(json.dumps(event("phone_detected", duration_ms=0, confidence=0.7, frames=2)))
            receive_until_any(ws, {"ack"})
        report = client.post(
            "/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers()
        ).json()["report"]
    scores = {c["criterion_id"]: c for c in report["scores"]["criteria"]}
    assert scores["c-integrity"]["score"] == 3.5
    assert [r["detail"].split(":")[0] for r in scores["c-integrity"]["rules"] if r["fired"]] == ["phone_detected"]
    assert scores["c-tech"]["score"] == 0.0  # no answers; the flag did not touch it


def test_the_attentive_share_counts_overlapping_events_once() -> None:
    rows = [  # a 100 s interview: hidden 10–30 s, blurred 20–40 s (overlapping), one paste
        AttentionEventRow(session_id="s", kind=kind, start_ms=start, duration_ms=duration, confidence=1)
        for kind, start, duration in (
            ("tab_hidden", 10_000, 20_000),
            ("window_blur", 20_000, 20_000),
            ("paste", 50_000, 0),
        )
    ]
    summary = summarize(rows, 0, 100_000)
    assert summary.attentive_share == 0.7  # 30 s of 100 inattentive, the overlap counted once
    assert [(k.kind, k.count, k.total_ms) for k in summary.by_kind] == [
        ("tab_hidden", 1, 20_000),
        ("window_blur", 1, 20_000),
        ("paste", 1, 0),
    ]


def test_a_hidden_tab_and_a_paste_reach_the_report(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        name = "Hedy Lamarr"
        link = invite(client, create_template(client)["family_id"], name=name)["url"]
    with chromium(tmp_path / "attention") as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "Next question")
        interview_tab = browser.current_window_handle
        browser.switch_to.new_window("tab")  # the interview tab is hidden now
        time.sleep(1.0)
        browser.close()
        browser.switch_to.window(interview_tab)
        browser.execute_script(
            "const data = new DataTransfer(); data.setData('text/plain', 'copied answer');"
            "document.querySelector('textarea').dispatchEvent("
            "new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));"
        )
        browser.find_element(By.TAG_NAME, "textarea").send_keys("My own words.")
        wait_for_text(browser, "Next question").click()
        wait_for_text(browser, "Question 2 of 2")
    with app_process.client() as client:
        report = client.post(
            "/report/finalize",
            json={"session_id": session_of(app_process, name)["session_id"]},
            headers=admin_headers(),
        ).json()["report"]
    events = {e["event"]: e for e in report["attention"]["events"]}
    assert events["tab_hidden"]["duration_ms"] >= 500
    assert events["paste"]["chars"] == len("copied answer")


FAKE_CAMERA = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")


def interview_with_camera(
    app: AppProcess, tmp_path: Path, name: str, *flags: str, seconds: float, admin_sees: str = ""
) -> dict[str, Any]:
    """Open an invite in Chromium with a fake camera, stay on the first question for `seconds` of camera
    analysis (after the models loaded), and return the report. With `admin_sees`, an admin watching the
    session's page meanwhile must see that text appear live."""
    with app.client() as client:
        link = invite(client, create_template(client)["family_id"], name=name)["url"]
    origin = link.split("/i/")[0]
    with chromium(tmp_path / name.split()[0], *FAKE_CAMERA, *flags) as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "Next question")
        deadline = time.monotonic() + 60
        while not browser.execute_script("return window.interviewerAttentionStats().analysed"):
            assert time.monotonic() < deadline, "the camera was never analysed"
            time.sleep(0.5)
        if admin_sees:
            with chromium(tmp_path / "admin") as admin:
                log_in_as_admin(admin, origin, ADMIN_PASSWORD)
                admin.get(f"{origin}/admin/sessions/{session_of(app, name)['session_id']}")
                wait_for_text(admin, admin_sees, timeout=seconds + 10)
                admin.get(f"{origin}/admin")
                wait_for_text(admin, "attention flag")  # the list points the reviewer to flagged interviews
        else:
            time.sleep(seconds)
        sent = [len(str(m)) for m in sent_messages(browser)]
        web = [u for u in requested_urls(browser) if u.startswith(("http:", "https:", "ws:", "wss:"))]
    assert [u for u in web if not u.startswith((origin, origin.replace("http", "ws", 1)))] == []
    assert max(sent) < 4096  # only events leave the page: no frame ever went to the server
    with app.client() as client:
        finalized = client.post(
            "/report/finalize", json={"session_id": session_of(app, name)["session_id"]}, headers=admin_headers()
        )
        return dict(finalized.json()["report"])


def session_of(app: AppProcess, candidate_name: str) -> dict[str, Any]:
    """The admin's summary of the session of `candidate_name` (GET /api/sessions)."""
    with app.client() as client:
        sessions = client.get("/api/sessions", headers=admin_headers()).json()
    return dict(next(x for x in sessions if x["candidate_name"] == candidate_name))


def sent_messages(browser: Any) -> list[str]:
    """Bodies of every WebSocket frame and HTTP request the page sent."""
    sent = []
    for entry in browser_log(browser, "performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.webSocketFrameSent":
            sent.append(message["params"]["response"]["payloadData"])
        elif message.get("method") == "Network.requestWillBeSent":
            sent.append(message["params"]["request"].get("postData", ""))
    return sent


def test_a_face_on_camera_is_not_reported_absent(app_process: AppProcess, tmp_path: Path) -> None:
    face = astronaut_face(tmp_path / "face.y4m")
    report = interview_with_camera(
        app_process, tmp_path, "Eileen Collins", f"--use-file-for-fake-video-capture={face}", seconds=8
    )
    kinds = {e["event"] for e in report["attention"]["events"]}
    assert "face_absent" not in kinds
    assert "looking_away" not in kinds  # at the default thresholds a face toward the camera is attentive


def test_no_face_on_camera_is_reported_absent(app_process: AppProcess, tmp_path: Path) -> None:
    # Chromium's own test pattern has no face; the admin watching the session sees the event arrive
    report = interview_with_camera(app_process, tmp_path, "Nobody There", seconds=8, admin_sees="face_absent")
    absent = [e for e in report["attention"]["events"] if e["event"] == "face_absent"]
    assert absent
    assert absent[0]["faces"] == 0
    assert report["attention"]["attentive_share"] < 1


def test_a_head_turned_beyond_the_thresholds_is_reported_looking_away(tmp_path: Path) -> None:
    # the astronaut faces the camera (head pitch ≈ 8°); with the pitch threshold set to 4° her pose counts
    # as looking away: the measured angles travel from the face mesh through the settings to the report
    app = AppProcess(tmp_path / "storage", ATTENTION_PITCH_DEG="4", ATTENTION_AWAY_S="1").start()
    try:
        face = astronaut_face(tmp_path / "face.y4m")
        report = interview_with_camera(
            app, tmp_path, "Sally Ride", f"--use-file-for-fake-video-capture={face}", seconds=8
        )
    finally:
        app.stop()
    away = [e for e in report["attention"]["events"] if e["event"] == "looking_away"]
    assert away
    assert int(away[0]["pitch_deg"]) > 4
    assert int(away[0]["yaw_deg"]) < 30  # measured, not invented: she does not turn sideways
    assert [e for e in report["attention"]["events"] if e["event"] == "face_absent"] == []


def test_a_face_that_leaves_is_reported_absent(app_process: AppProcess, tmp_path: Path) -> None:
    # between face-detector runs the mesh follows the last face box: it must let go when the face is gone
    video = face_that_leaves(tmp_path / "leaves.y4m")
    report = interview_with_camera(
        app_process, tmp_path, "Amelia Earhart", f"--use-file-for-fake-video-capture={video}", seconds=14
    )
    absent = [e for e in report["attention"]["events"] if e["event"] == "face_absent"]
    assert absent
    assert 3000 <= int(absent[0]["duration_ms"]) <= 7500
    assert 0 < report["attention"]["attentive_share"] < 1


def test_a_phone_held_up_to_the_camera_is_reported(app_process: AppProcess, tmp_path: Path) -> None:
    phone = phone_held_up(tmp_path / "phone.y4m")
    report = interview_with_camera(
        app_process, tmp_path, "Martin Cooper", f"--use-file-for-fake-video-capture={phone}", seconds=8
    )
    kinds = [e["event"] for e in report["attention"]["events"]]
    phone_events = [e for e in report["attention"]["events"] if e["event"] == "phone_detected"]
    assert phone_events, kinds
    assert phone_events[0]["confidence"] >= 0.3
    assert phone_events[0]["frames"] >= 2  # seen in at least 2 of the last 4 object frames
    assert "face_absent" not in kinds  # the candidate is there, with a phone


def test_a_required_camera_that_is_denied_stops_the_candidate(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        link = invite(client, create_template(client, {**TEMPLATE, "camera": "required"})["family_id"])["url"]
    with chromium(tmp_path / "denied", "--deny-permission-prompts") as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "This interview needs your camera")
        explanation = wait_for_text(browser, "Please allow the camera").text
    assert "no video leaves your computer" in explanation
