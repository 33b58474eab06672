"""The services of one running app, built once in `main.py` and handed to routes and pages."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.accounts import Accounts
from interviewer.admin_sessions import AdminSessions, LoginBackoff, LoginGate
from interviewer.adverse_impact import AdverseImpactCheck
from interviewer.attention import AttentionService
from interviewer.audit import AuditLog
from interviewer.config import Settings
from interviewer.db import Database
from interviewer.decisions import DecisionService
from interviewer.embeddings import SentenceEmbedder
from interviewer.erasure import Erasure
from interviewer.events import SessionEvents
from interviewer.interview import InterviewService
from interviewer.invites import InviteService
from interviewer.llm.followup import FollowUpAsker
from interviewer.llm.provider import LLMProvider
from interviewer.llm.ratings import RatingService
from interviewer.ranking import RankingService
from interviewer.ratelimit import SPEECH_UNITS_PER_S, RateLimiter
from interviewer.report.editor import ReportEditor
from interviewer.report.service import ReportService
from interviewer.results import ResultsExport
from interviewer.review import ReviewService
from interviewer.scoring import RubricScorer
from interviewer.security import Signer
from interviewer.self_description import SelfDescriptions
from interviewer.session_locks import SessionLocks
from interviewer.shared_events import RedisSessionEvents
from interviewer.stt.backend import SegmentTranscriber
from interviewer.stt.service import SpeechService
from interviewer.templates import TemplateService
from interviewer.tts.base import TtsProvider
from interviewer.tts.cache import SpeechCache
from interviewer.tts.service import VoiceService
from interviewer.webhooks import WebhookService


@dataclass(frozen=True)
class System:
    settings: Settings
    db: Database
    signer: Signer
    limiter: RateLimiter
    scorer: RubricScorer
    events: SessionEvents
    accounts: Accounts
    templates: TemplateService
    invites: InviteService
    interview: InterviewService
    reports: ReportService
    speech: SpeechService
    llm: LLMProvider
    voice: VoiceService
    attention: AttentionService
    erasure: Erasure
    review: ReviewService
    decisions: DecisionService
    rankings: RankingService
    results: ResultsExport
    webhooks: WebhookService
    self_descriptions: SelfDescriptions
    adverse_impact: AdverseImpactCheck
    login: LoginGate
    audit: AuditLog

    @classmethod
    def build(
        cls, settings: Settings, session_secret: str, llm: LLMProvider, tts: TtsProvider, stt: SegmentTranscriber
    ) -> System:
        """Wire the services from settings and the chosen providers (no I/O beyond opening the database).

        With REDIS_URL, rate limits and live events are shared with the other app replicas through Redis."""
        settings.storage_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.sqlalchemy_url)
        db.create_tables()
        events = RedisSessionEvents(settings.redis_url) if settings.redis_url else SessionEvents()
        audit = AuditLog(db)
        editor = ReportEditor(db)  # the one writer of a stored report after it was built
        voice = VoiceService(SpeechCache(settings.storage_dir / "tts", tts, settings.tts_voice))
        audio_root = settings.storage_dir / "audio"
        templates = TemplateService(db, audit, lambda content: voice.prepare_soon([q.text for q in content.questions]))
        attention = AttentionService(db, events)
        scorer = RubricScorer(SentenceEmbedder())
        interview = InterviewService(
            db,
            events,
            attention,
            settings.max_answer_chars,
            scorer,
            FollowUpAsker(llm, settings.llm_followup_timeout_s),
        )
        ratings = RatingService(db, llm, settings.llm_timeout_s)
        locks = SessionLocks()  # report building and erasure of one session never overlap
        reports = ReportService(db, interview, events, settings.storage_dir, ratings, attention, scorer, locks)
        interview.when_finished(reports.finalize_soon)
        speech = SpeechService(audio_root, stt, interview, events, settings.stt_segment_silence_ms)
        events.subscribe(SessionEvents.ALL, speech.on_event)
        webhooks = WebhookService(db)
        results = ResultsExport(db)
        self_descriptions = SelfDescriptions(db, interview)
        events.subscribe(SessionEvents.ALL, webhooks.on_event)
        accounts = Accounts(db, audit, settings.base_url)
        limiter = RateLimiter(
            {
                "api": settings.rate_limit_per_min,
                "login": settings.login_rate_limit_per_min,
                "redeem": settings.redeem_rate_limit_per_min,
                "speech": settings.stt_audio_s_per_min * SPEECH_UNITS_PER_S,
            },
            settings.redis_url or "memory://",
        )
        return cls(
            settings=settings,
            db=db,
            signer=Signer(session_secret, AdminSessions(db)),
            scorer=scorer,
            limiter=limiter,
            events=events,
            accounts=accounts,
            templates=templates,
            invites=InviteService(db, templates, settings.base_url, audit),
            interview=interview,
            reports=reports,
            speech=speech,
            llm=llm,
            voice=voice,
            attention=attention,
            erasure=Erasure(db, audio_root, voice.cache, events, locks, audit),
            review=ReviewService(editor, events, audit),
            decisions=DecisionService(db, editor, events, audit),
            rankings=RankingService(db, results),
            results=results,
            webhooks=webhooks,
            self_descriptions=self_descriptions,
            adverse_impact=AdverseImpactCheck(results, self_descriptions),
            login=LoginGate(accounts, limiter, LoginBackoff()),
            audit=audit,
        )
