"""Audio of abandoned sessions is deleted after the retention period."""

from __future__ import annotations

import os
import time
from pathlib import Path

from interviewer.attention import AttentionService
from interviewer.db import Database
from interviewer.embeddings import SentenceEmbedder
from interviewer.events import SessionEvents
from interviewer.interview import InterviewService
from interviewer.scoring import RubricScorer
from interviewer.stt.service import SpeechService
from interviewer.stt.transcriber import Transcriber


def test_abandoned_audio_is_purged_and_recent_audio_kept(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'interviewer.db'}")
    db.create_tables()
    events = SessionEvents()
    transcriber = Transcriber("none")
    interview = InterviewService(db, events, AttentionService(db, events), 1000, RubricScorer(SentenceEmbedder()))
    speech = SpeechService(tmp_path / "audio", transcriber, interview, events)
    abandoned, recent = tmp_path / "audio" / "abandoned", tmp_path / "audio" / "recent"
    for folder in (abandoned, recent):
        folder.mkdir(parents=True)
        (folder / "q-1.wav").write_bytes(b"RIFF")
    ten_days_ago = time.time() - 10 * 86400
    os.utime(abandoned / "q-1.wav", (ten_days_ago, ten_days_ago))
    try:
        assert speech.purge_abandoned(days=7) == 1
    finally:
        transcriber.close()
        db.dispose()
    assert not abandoned.exists()
    assert (recent / "q-1.wav").exists()
