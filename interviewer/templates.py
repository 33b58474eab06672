"""Interview templates: create, edit (a new version once a session used it), list, and the example."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlmodel import col, select

from interviewer.audit import SYSTEM_ACTOR, AuditAction, AuditLog, template_target
from interviewer.db import Database
from interviewer.errors import NotFound
from interviewer.models import (
    DEFAULT_PRACTICE_QUESTION,
    CriterionSpec,
    InterviewSession,
    QuestionSpec,
    Template,
    TemplateContent,
    TemplatePublic,
)


class TemplateService:
    """The one place that writes templates. `on_saved` hears of every saved content (to pre-synthesize)."""

    def __init__(
        self, db: Database, audit: AuditLog, on_saved: Callable[[TemplateContent], None] | None = None
    ) -> None:
        self._db = db
        self._audit = audit
        self._on_saved = on_saved or (lambda _content: None)

    def list_current(self) -> list[Template]:
        """The newest version of every template, oldest template first."""
        with self._db.session() as s:
            return list(s.exec(select(Template).where(col(Template.is_current)).order_by(col(Template.id))))

    def get(self, template_id: int) -> Template:
        with self._db.session() as s:
            template = s.get(Template, template_id)
        if template is None:
            raise NotFound(f"template {template_id} not found")
        return template

    def current(self, family_id: str) -> Template:
        """The newest version of a template."""
        with self._db.session() as s:
            template = s.exec(select(Template).where(Template.family_id == family_id, col(Template.is_current))).first()
        if template is None:
            raise NotFound(f"template {family_id!r} not found")
        return template

    def create(self, content: TemplateContent, *, by: str) -> Template:
        """A new template (version 1); `by` is who saved it (the audit trail's actor)."""
        template = Template(
            family_id=secrets.token_hex(4),
            version=1,
            name=content.name,
            role=content.role,
            content=content.model_dump(mode="json"),
        )
        with self._db.session() as s:
            s.add(template)
        self._saved(template, content, by)
        return template

    def update(self, family_id: str, content: TemplateContent, *, by: str) -> Template:
        """Save an edit. A version that a session already used stays as it was; the edit becomes version N+1."""
        with self._db.session() as s:
            current = s.exec(select(Template).where(Template.family_id == family_id, col(Template.is_current))).first()
            if current is None:
                raise NotFound(f"template {family_id!r} not found")
            used = s.exec(select(InterviewSession.id).where(InterviewSession.template_id == current.id)).first()
            if used is None:
                current.name, current.role = content.name, content.role
                current.content = content.model_dump(mode="json")
                s.add(current)
                saved = current
            else:
                current.is_current = False
                s.add(current)
                saved = Template(
                    family_id=family_id,
                    version=current.version + 1,
                    name=content.name,
                    role=content.role,
                    content=content.model_dump(mode="json"),
                )
                s.add(saved)
        self._saved(saved, content, by)
        return saved

    def _saved(self, template: Template, content: TemplateContent, by: str) -> None:
        self._audit.record(
            by, AuditAction.TEMPLATE_SAVED, template_target(template.family_id), f"version {template.version}"
        )
        self._on_saved(content)

    def ensure_example(self) -> None:
        """On an empty database, add one ready-to-use template so a new user can try the whole flow."""
        with self._db.session() as s:
            if s.exec(select(Template.id)).first() is not None:
                return
        self.create(example_template(), by=SYSTEM_ACTOR)

    @staticmethod
    def public(template: Template) -> TemplatePublic:
        return TemplatePublic(
            id=template.id or 0, family_id=template.family_id, version=template.version, content=template.parsed()
        )


def example_template() -> TemplateContent:
    """A short backend-engineer interview with a three-criterion rubric."""
    return TemplateContent(
        name="Backend engineer (example)",
        role="Backend engineer",
        practice_question=DEFAULT_PRACTICE_QUESTION,
        questions=[
            QuestionSpec(
                id="q-intro",
                text="Tell me about a backend system you built or improved. What was your part in it?",
                time_limit_s=180,
            ),
            QuestionSpec(
                id="q-incident",
                text="Describe a production incident you handled. What happened, what did you do, "
                "and what was the result?",
                time_limit_s=240,
            ),
            QuestionSpec(
                id="q-scale",
                text="How would you make a slow API endpoint handle ten times more traffic?",
                time_limit_s=240,
            ),
        ],
        criteria=[
            CriterionSpec(
                id="c-technical",
                name="Technical depth",
                description="Names concrete techniques and trade-offs.",
                weight=2,
                levels=[
                    "No technical content",
                    "Vague, buzzwords only",
                    "Some concrete techniques",
                    "Concrete techniques with reasons",
                    "Deep, with trade-offs and measurements",
                ],
                evidence_phrases=[
                    "cache | caching | redis | keep results in memory",
                    "database index | index | query plan | fix the slow query",
                    "load balancer | horizontal scaling | scale out | run more servers",
                    "profile | profiling | metrics | latency | measure where the time goes",
                    "queue | asynchronous | background job | move slow work out of the request",
                ],
                evidence_needed=3,
                reference_answer="I would measure first: profile the endpoint and read the database's query plans to "
                "find where the time goes. Then fix the slow queries with an index, cache results that many requests "
                "share, move slow work into a background queue, and run more instances behind a load balancer, "
                "checking latency and error rates after each step.",
                level_examples=[
                    "I would buy a bigger server.",
                    "",
                    "I would add a cache and maybe more servers.",
                    "",
                    "First I would profile it and look at the query plan; we had an N+1 query, so I added an index, "
                    "cached the hot reads in Redis and moved e-mail sending to a queue. p95 went from 900 ms to "
                    "120 ms, then we scaled out behind the load balancer.",
                ],
                expected_words_min=40,
                expected_words_max=300,
            ),
            CriterionSpec(
                id="c-ownership",
                name="Ownership and impact",
                description="Explains a situation, their own actions and a measurable result.",
                weight=1.5,
                levels=[
                    "No example",
                    "Example without own role",
                    "Own role, no result",
                    "Clear situation, action and result",
                    "Clear story with measured results",
                ],
                evidence_phrases=[
                    "i led | i owned | i was responsible | my task was | my role was | i took ownership | tech lead "
                    "| i was in charge",
                    "postmortem | post-mortem | root cause | we found the cause",
                    "the result was | as a result | measurable result | we cut | improved by",
                    "i decided | i chose | i proposed | i made the call",
                    "i measured | we measured | dropped from | fell from | went down from | went from | rose from",
                ],
                evidence_needed=2,
                reference_answer="At my last job a service we ran was too slow for our customers. I was responsible "
                "for fixing it: I found the root cause myself, decided what to change and made the change. I measured "
                "the result before and after: latency fell and errors dropped.",
                level_examples=[
                    "We had some problems once and the team fixed them.",
                    "",
                    "Our service was slow, so I worked on it with the team and it got better.",
                    "",
                    "At my last job our search API timed out under load. I was responsible for fixing it: I profiled "
                    "it, found the slow query, added an index and a cache, and p95 went from 2 s to 200 ms, which "
                    "cut support tickets by a third.",
                ],
                structure_cues=True,
                question_ids=["q-intro", "q-incident"],
                expected_words_min=60,
                expected_words_max=350,
            ),
            CriterionSpec(
                id="c-communication",
                name="Clear communication",
                description="Answers are of a useful length and free of fillers.",
                weight=1,
                levels=["Unclear", "Hard to follow", "Understandable", "Clear", "Crisp and well organised"],
                expected_words_min=30,
                expected_words_max=300,
            ),
        ],
    )
