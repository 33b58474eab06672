"""Interview templates: create, edit (a new version once a session used it), list, and the example."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlmodel import col, select

from interviewer.db import Database
from interviewer.errors import NotFound
from interviewer.models import (
    CriterionSpec,
    InterviewSession,
    QuestionSpec,
    Template,
    TemplateContent,
    TemplatePublic,
)


class TemplateService:
    """The one place that writes templates. `on_saved` hears of every saved content (to pre-synthesize)."""

    def __init__(self, db: Database, on_saved: Callable[[TemplateContent], None] | None = None) -> None:
        self._db = db
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

    def create(self, content: TemplateContent) -> Template:
        template = Template(
            family_id=secrets.token_hex(4),
            version=1,
            name=content.name,
            role=content.role,
            content=content.model_dump(mode="json"),
        )
        with self._db.session() as s:
            s.add(template)
        self._on_saved(content)
        return template

    def update(self, family_id: str, content: TemplateContent) -> Template:
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
        self._on_saved(content)
        return saved

    def ensure_example(self) -> None:
        """On an empty database, add one ready-to-use template so a new user can try the whole flow."""
        with self._db.session() as s:
            if s.exec(select(Template.id)).first() is not None:
                return
        self.create(example_template())

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
                    "cache | caching | redis",
                    "database index | index | query plan",
                    "load balancer | horizontal scaling | scale out",
                    "profile | profiling | metrics | latency",
                    "queue | asynchronous | background job",
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
                evidence_phrases=["i led | i owned | i was responsible", "postmortem | post-mortem | root cause"],
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
