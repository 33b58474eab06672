"""Finalize a session: score it, store the report (JSON + PDF), then delete its audio. Idempotent and resumable.

A finished session is one whose report is due: finishing starts finalizing in the background, and a restart
resumes every finished session (`resume_unfinished`). The report is stored before any audio is deleted, and
says how many files are deleted; the session is marked finalized only after they are gone. A crash at any
point thus leaves either the audio or the report with its record, and the next start completes the rest.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlmodel import select

from interviewer.attention import AttentionService
from interviewer.db import Database
from interviewer.errors import Conflict, NotFound
from interviewer.event_messages import ReportReady
from interviewer.events import SessionEvents
from interviewer.interview import InterviewService
from interviewer.llm.ratings import RatingService
from interviewer.models import InterviewSession, SessionStatus, StoredReport, utc_now
from interviewer.report.build import build_report
from interviewer.report.pdf import render_pdf
from interviewer.report.schema import AudioRetention, Report
from interviewer.scoring import RubricScorer
from interviewer.session_locks import SessionLocks
from interviewer.stt.service import delete_session_audio

log = logging.getLogger(__name__)


class ReportService:
    def __init__(
        self,
        db: Database,
        interview: InterviewService,
        events: SessionEvents,
        storage_dir: Path,
        ratings: RatingService,
        attention: AttentionService,
        scorer: RubricScorer,
        locks: SessionLocks,
    ) -> None:
        self._db = db
        self._scorer = scorer
        self._interview = interview
        self._events = events
        self._ratings = ratings
        self._attention = attention
        self._audio_root = storage_dir / "audio"
        self._locks = locks  # per session, shared with the erasure
        self._tasks: set[asyncio.Task[None]] = set()

    def has_report(self, session_id: str) -> bool:
        """Whether the session's report was built (without loading it)."""
        with self._db.session() as s:
            return (
                s.exec(select(StoredReport.session_id).where(StoredReport.session_id == session_id)).first() is not None
            )

    def stored(self, session_id: str) -> StoredReport | None:
        with self._db.session() as s:
            return s.get(StoredReport, session_id)

    async def finalize(self, session_id: str, *, allow_unfinished: bool = False) -> Report:
        """Build and keep the report once; later calls return the stored one unchanged.

        Only an admin may finalize an interview that is still running (`allow_unfinished`); that ends it.
        """
        view = self._interview.view(session_id)
        if view.session.status in (SessionStatus.CONSENT, SessionStatus.IN_PROGRESS):
            if not allow_unfinished:
                raise Conflict("the interview is not finished yet")
            await self._interview.finish(session_id)
        async with self._locks.hold(session_id):
            existing = self.stored(session_id)
            if existing is not None:
                report = Report.model_validate_json(existing.report_json)
                if self._interview.view(session_id).session.status != SessionStatus.FINALIZED:
                    await self._delete_audio(session_id, report.audio)  # a crash came after the report was stored
                return report
            view = self._interview.view(session_id)  # NotFound if the session was erased meanwhile
            provider = self._ratings.provider
            questions = {q.id: q.text for q, _ in view.asked()}
            ratings = (  # nor a language model when the candidate asked for a person to assess the answers
                await self._ratings.rate(
                    view.template.id or 0, questions, view.answers_for_scoring(), view.content.criteria
                )
                if view.session.ai_scoring
                else []
            )
            attention = self._attention.summary(view.session)
            llm = (provider.name, provider.model)
            audio = AudioRetention(deleted=True, files_deleted=await asyncio.to_thread(self._count_audio, session_id))
            report = await asyncio.to_thread(  # scoring v2 embeds text: off the event loop
                build_report, view, self._scorer, audio, utc_now(), ratings, llm, attention
            )
            pdf = await asyncio.to_thread(render_pdf, report)
            with self._db.session() as s:
                s.add(StoredReport(session_id=session_id, report_json=report.model_dump_json(indent=2), pdf=pdf))
            await self._delete_audio(session_id, audio)  # only now: the report (and its record of them) is kept
        log.info("session %s finalized (total %s)", session_id, report.scores.total)
        await self._events.publish(ReportReady(session_id=session_id, total=report.scores.total))
        return report

    async def resume_unfinished(self) -> int:
        """Finalize, one after the other, every session left finished without a finalized report (a crash or a
        stop while its report was built or its audio deleted); returns how many were resumed."""
        with self._db.session() as s:
            due = s.exec(select(InterviewSession.id).where(InterviewSession.status == SessionStatus.FINISHED)).all()
        for session_id in due:
            log.info("session %s: resuming its finalization", session_id)
            await self._finalize_in_background(session_id)
        return len(due)

    def finalize_soon(self, session_id: str) -> None:
        """Finalize in the background, as the interview just finished: the candidate's "thank you" does not wait
        for model ratings and the PDF, and the admin finds the report ready."""
        task = asyncio.get_running_loop().create_task(self._finalize_in_background(session_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _finalize_in_background(self, session_id: str) -> None:
        try:
            await self.finalize(session_id)
        except NotFound:
            log.info("session %s was erased before its report was built", session_id)
        except Exception:  # the admin can finalize again from the session page or the API
            log.exception("session %s: building the report failed", session_id)

    def _count_audio(self, session_id: str) -> int:
        folder = self._audio_root / session_id
        return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0

    async def _delete_audio(self, session_id: str, recorded: AudioRetention) -> None:
        """Delete the session's audio, then mark it finalized (the report already says what is deleted)."""
        deleted = await asyncio.to_thread(delete_session_audio, self._audio_root, session_id)
        if deleted > recorded.files_deleted:  # a chunk stored after the count: deleted all the same
            log.warning(
                "session %s: %d audio files deleted, the report says %d", session_id, deleted, recorded.files_deleted
            )
        self._interview.mark_finalized(session_id)
