"""Upgrades keep data: the schema comes from Alembic migrations, and a database made by the previous release
(with `create_all`, no migration history) is adopted by the current code with every row intact."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel
from websockets.sync.client import ClientConnection, connect

from interviewer.db import MIGRATIONS, Database
from tests.conftest import ROOT, AppProcess, admin_headers

PREVIOUS_RELEASE = "a8f046a"  # the last release without migrations: its tables came from create_all
TEMPLATE: dict[str, Any] = {
    "name": "Backend engineer",
    "role": "Backend",
    "questions": [
        {"id": "q-cache", "text": "How did you make a slow service fast?", "time_limit_s": 120},
        {"id": "q-team", "text": "Tell me about a disagreement in your team.", "time_limit_s": 120},
    ],
    "criteria": [
        {
            "id": "c-tech",
            "name": "Technical depth",
            "weight": 2,
            "evidence_phrases": ["cache | redis", "index"],
            "expected_words_min": 5,
        },
        {"id": "c-story", "name": "Storytelling", "structure_cues": True, "expected_words_min": 5},
    ],
}
ANSWERS = [
    "I added a Redis cache in front of the orders table and an index on the customer column.",
    "When we disagreed about the release date I listened first; as a result we shipped in two steps.",
]


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def test_the_migrations_make_exactly_the_models_tables(tmp_path: Path) -> None:
    """A new model field without a migration fails here: write one with
    `alembic -c interviewer/migrations/alembic.ini revision --autogenerate -m "what changed"`."""
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    db.create_tables()
    db.create_tables()  # a second start migrates nothing
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        assert context.get_current_revision() == head_revision()
    db.dispose()


def test_the_migrations_make_the_models_tables_on_postgres(postgres_url: str) -> None:
    db = Database(postgres_url)
    db.create_tables()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    db.dispose()


@pytest.fixture
def previous_release(tmp_path: Path) -> Iterator[Path]:
    """The previous release's files, from git (no worktree left behind in the repository)."""
    root = tmp_path / "previous"
    root.mkdir()
    archive = subprocess.run(["git", "archive", PREVIOUS_RELEASE], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    if (ROOT / "assets" / "vendor").is_dir():  # filled by scripts/install.sh, not in git
        (root / "assets").mkdir(exist_ok=True)
        (root / "assets" / "vendor").symlink_to(ROOT / "assets" / "vendor")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def ws(url: str, session_id: str, token: str) -> ClientConnection:
    return connect(f"{url.replace('http', 'ws')}/interview/ws/{session_id}?token={token}", open_timeout=10)


def receive(socket: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(socket.recv(timeout=20))
        if message["type"] == kind:
            return message
        assert message["type"] != "error", message


def answer(socket: ClientConnection, question_id: str, text: str) -> None:
    socket.send(json.dumps({"type": "answer", "question_id": question_id, "text": text}))
    assert receive(socket, "ack")["question_id"] == question_id


def start_interview(client: httpx.Client, family_id: str, name: str) -> dict[str, Any]:
    invite = client.post(
        "/api/invites",
        json={"template_family_id": family_id, "candidate_name": name, "candidate_email": "c@example.org"},
        headers=admin_headers(),
    )
    assert invite.status_code == 201, invite.text
    started = client.post("/interview/start", json={"invite_token": invite.json()["invite_token"]})
    assert started.status_code == 200, started.text
    return dict(started.json())


def everything(client: httpx.Client, finalized: str) -> dict[str, Any]:
    """What an admin sees: templates, sessions, and the finalized session's report (JSON and PDF)."""
    templates = client.get("/api/templates", headers=admin_headers()).json()
    sessions = client.get("/api/sessions", headers=admin_headers()).json()
    report = client.get(f"/report/{finalized}.json", headers=admin_headers())
    pdf = client.get(f"/report/{finalized}.pdf", headers=admin_headers())
    assert report.status_code == pdf.status_code == 200, report.text
    return {"templates": templates, "sessions": sessions, "report": report.json(), "pdf": pdf.content}


def assert_kept(before: Any, after: Any, where: str = "") -> None:
    """Everything `before` held is in `after` unchanged; the new release may add fields (defaults it shows)."""
    if isinstance(before, dict):
        assert isinstance(after, dict), where
        for key, value in before.items():
            assert key in after, f"{where}.{key} is gone"
            assert_kept(value, after[key], f"{where}.{key}")
    elif isinstance(before, list):
        assert isinstance(after, list), where
        assert len(after) == len(before), where
        for i, (old, new) in enumerate(zip(before, after, strict=True)):
            assert_kept(old, new, f"{where}[{i}]")
    else:
        assert after == before, where


def test_an_upgrade_from_the_previous_release_keeps_every_session_report_and_template(
    tmp_path: Path, previous_release: Path
) -> None:
    """A self-hoster ran the previous release: one interview finished, reviewed and reported, one candidate
    half-way through. They upgrade: everything is still there, and the second candidate finishes."""
    storage = tmp_path / "storage"
    old = AppProcess(storage)
    old.root = previous_release  # its own `interviewer` package comes first on sys.path (cwd)
    old.start()
    try:
        with httpx.Client(base_url=old.url, timeout=30) as client:
            template = client.post("/api/templates", json=TEMPLATE, headers=admin_headers())
            assert template.status_code == 201, template.text
            family_id = template.json()["family_id"]
            done = start_interview(client, family_id, "Łukasz Finished")
            with ws(old.url, done["session_id"], done["ws_token"]) as socket:
                answer(socket, done["questions"][0]["id"], ANSWERS[0])
                socket.send(json.dumps({"type": "next"}))
                answer(socket, done["questions"][1]["id"], ANSWERS[1])
                socket.send(json.dumps({"type": "finish"}))
                receive(socket, "finished")
            finalized = client.post(
                "/report/finalize", json={"session_id": done["session_id"]}, headers=admin_headers()
            )
            assert finalized.status_code == 200, finalized.text
            adjusted = client.post(
                f"/api/sessions/{done['session_id']}/adjustments",
                json={"criterion_id": "c-story", "score": 4.5, "reason": "Clear story, told in order."},
                headers=admin_headers(),
            )
            assert adjusted.status_code == 200, adjusted.text
            halfway = start_interview(client, family_id, "Grace Halfway")
            with ws(old.url, halfway["session_id"], halfway["ws_token"]) as socket:
                answer(socket, halfway["questions"][0]["id"], ANSWERS[0])
            before = everything(client, done["session_id"])
    finally:
        old.stop()
    with sqlite3.connect(storage / "interviewer.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "interviewsession" in tables
    assert "alembic_version" not in tables  # made by create_all

    new = AppProcess(storage).start()
    try:
        with new.client() as client:
            after = everything(client, done["session_id"])
            assert_kept(before["templates"], after["templates"], "templates")
            assert_kept(before["sessions"], after["sessions"], "sessions")
            assert_kept(before["report"], after["report"], "report")  # with the reviewer's adjustment
            assert after["report"]["review"]["adjustments"][0]["reason"] == "Clear story, told in order."
            assert after["pdf"] == before["pdf"]
            assert {s["status"] for s in after["sessions"]} == {"finalized", "in_progress"}

            with ws(new.url, halfway["session_id"], halfway["ws_token"]) as socket:
                state = receive(socket, "state")
                assert state["status"] == "in_progress"
                socket.send(json.dumps({"type": "next"}))
                answer(socket, halfway["questions"][1]["id"], ANSWERS[1])
                socket.send(json.dumps({"type": "finish"}))
                receive(socket, "finished")
            report = client.post(
                "/report/finalize", json={"session_id": halfway["session_id"]}, headers=admin_headers()
            )
            assert report.status_code == 200, report.text
            stored = client.get(f"/report/{halfway['session_id']}.json", headers=admin_headers()).json()
            assert [
                a["answer"] for a in stored["answers"]
            ] == ANSWERS  # the answer given before the upgrade and the one after
    finally:
        new.stop()
    with sqlite3.connect(storage / "interviewer.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
