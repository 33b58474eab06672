"""Scoring v2 ("meaning-v2"): rubric points found by meaning, reference answers, level anchors, no gaming.

For one criterion, the answers in scope are those of `criterion.question_ids` (all when empty), blank ones
left out (but for length); a sentence said again in the same answer counts once. Every comparison is the cosine of two
sentence embeddings (`interviewer.embeddings`), rounded to 3 decimals so that float noise cannot flip a
threshold, and turned into credit by `credit(s) = clip((s − FLOOR) / (FULL − FLOOR), 0, 1)`.

Features, each in 0..1:
- evidence (with evidence phrases): each group (one `must_show` or `evidence_phrases` line, "|" alternatives)
  earns 1 when an alternative occurs by its words (the stemmed matching of rules v1, quotes around words ignored,
  misspelt rubric words read as meant: `interviewer.scoring.spelling`), else the credit of the
  best similarity between an alternative and a sentence or 12-word window of an answer (EVIDENCE_SIMILARITY).
  evidence = min(1, Σ credits / needed), needed = `evidence_needed` or the number of groups.
- vocabulary (with evidence phrases or a reference answer): how many of the rubric's own content words (of
  its description, levels, evidence phrases, reference answer and example answers; not the question's
  words, not function words; stemmed; misspelt ones as meant) the answers use, over VOCABULARY_FULL (at most a
  third of them).
- reference (with a reference answer): the mean over the reference's sentences of their best credit against
  the answer's sentences/windows (REFERENCE_SIMILARITY), averaged with the credit of the whole answer
  against the whole reference (ANSWER_SIMILARITY).
- anchors (with example answers for two or more levels): the similarity-weighted mean level of the examples
  (softmax of similarity / ANCHOR_TEMPERATURE), as (level − 1) / 4. The closest example is reported when the
  answers are at least ANCHOR_CLOSE similar to it; otherwise the report says that no example is close.
- structure (with `structure_cues`): share of situation / task / action / result present (STRUCTURE_CUES_V2).
- length: log(1 + words) / log(1 + expected_words_max), at most 1, averaged over the answers: people who
  explain more tend to be graded higher, with diminishing returns. A question in scope the candidate left blank
  (given as an answer with no text: `SessionView.answers_for_scoring` gives every question passed without an
  answer so) or whose answer a gaming rule left out counts as 0 words: skipping a question never beats answering it.
The similarity of each answer to its question, and to the reference and example answers of the criteria that score
it, is reported (no points); they decide the off_topic rule.

score = 5 × Σ wᵢ·featureᵢ / Σ wᵢ over the features the criterion has (WEIGHTS), minus the filler penalty of
rules v1, halved (MUST_SHOW_FACTOR) when a `must_show` point earned under MUST_SHOW_CREDIT, then capped by
the gaming rules (`interviewer.scoring.gaming`), then blended with a cached model rating exactly as in rules v1;
clamped to 0..5 and rounded half-up to 2 decimals. level = round-half-up(score), at least 1 when score > 0.
Evidence spans carry their similarity; literal matches have none.

The thresholds and weights were tuned once on the development data sets of `bench/scoring_agreement.py`
(human-graded short answers; never on a rubric's own answers), and are the same for every rubric.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interviewer.embeddings import SentenceEmbedder
from interviewer.models import CriterionSpec, TemplateContent
from interviewer.scoring import gaming
from interviewer.scoring.card import (
    AnswerForScoring,
    CriterionScore,
    EvidenceSpan,
    ModelRating,
    RuleResult,
    criterion_score,
    in_scope,
    round_half_up,
)
from interviewer.scoring.rules_v1 import (
    STRUCTURE_CUES,
    blend_model,
    cue_patterns,
    filler_penalty,
    matches,
    must_show_groups,
    no_answer,
    phrase_groups,
    speaking_rate,
    structure_feature,
)
from interviewer.scoring.spelling import content_words_read, point_needles, point_stems, stem_tokens_read
from interviewer.scoring.text import Unit, content_stems, sentences, units, with_signs, words

EVIDENCE_SIMILARITY = (0.45, 0.75)  # (FLOOR, FULL) of credit(); tuned on the dev sets in bench/
REFERENCE_SIMILARITY = (0.40, 0.75)
ANSWER_SIMILARITY = (0.30, 0.80)
REFERENCE_QUOTED = 60  # characters of a reference sentence named beside the span that meets it (cut at a word)
ANCHOR_TEMPERATURE = 0.05
ANCHOR_CLOSE = 0.2  # below this similarity to every example answer, the report names none as "closest"
STRUCTURE_CUES_V2 = {  # rules v1's cues, and the many other ways people tell the same parts of a story
    "situation": (
        *STRUCTURE_CUES["situation"],
        "at my last",
        "at my current",
        "in my previous",
        "the problem was",
        "there was a",
        "we were",
        "our team",
        r"\b(?:at|in) (?:my|our|a) (?:previous|last|former|current|old) (?:company|job|role|team|employer)\b",
    ),
    "task": (
        *STRUCTURE_CUES["task"],
        "my goal",
        "my job was",
        "i was asked",
        "i had to",
        "i needed",
        "my responsibility",
        "i owned",
        "i took ownership",
        "i was in charge",
        "our goal",
    ),
    "action": (
        *STRUCTURE_CUES["action"],
        "i added",
        "i changed",
        "i moved",
        "i rewrote",
        "i fixed",
        "i found",
        "i migrated",
        "i measured",
        "i profiled",
        "i proposed",
        "i organised",
        "i organized",
        "i ran",
        "i talked",
        "i worked",
        "i started",
        r"\bi (?:then |first |also |quickly )?[a-z]+ed\b",
    ),
    "result": (
        *STRUCTURE_CUES["result"],
        "the result",
        "the outcome",
        "we cut",
        "cut",
        "dropped",
        "faster",
        "fewer",
        "so that",
        r"\bfrom \$?\d[\d.,]*%?\s*\w*\s+(?:down |up )?to \$?\d(?:[\w.,]*\w)?%?",
    ),
}
VOCABULARY_FULL = 8
MUST_SHOW_CREDIT = 0.5  # a must-show point counts as found from half credit (by words: always)
MUST_SHOW_FACTOR = 0.5  # the score kept when one is not found
WEIGHTS = {"evidence": 0.3, "vocabulary": 0.3, "reference": 0.3, "anchors": 0.2, "structure": 0.3, "length": 0.3}


_STRUCTURE_PATTERNS = cue_patterns(STRUCTURE_CUES_V2)


def credit(similarity: float, bounds: tuple[float, float]) -> float:
    """Similarity → credit in 0..1, linear between the bounds."""
    floor, full = bounds
    return min(1.0, max(0.0, (similarity - floor) / (full - floor)))


@dataclass(frozen=True)
class _Answer:
    """An answer in scope, its repeated sentences removed, with its units and their vectors."""

    source: AnswerForScoring
    text: str
    units: list[Unit]
    unit_vectors: np.ndarray
    vector: np.ndarray


def _similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosines of unit vectors, rounded to 3 decimals (float noise cannot flip a threshold)."""
    similarities: np.ndarray = np.round(a @ b.T, 3)
    return similarities


def score_criterion(
    answers: Sequence[AnswerForScoring],
    criterion: CriterionSpec,
    questions: dict[str, str],
    embedder: SentenceEmbedder,
    rubric: Sequence[CriterionSpec],
    ratings: Sequence[ModelRating] = (),
) -> CriterionScore:
    """Score one criterion on the answers in its scope; `questions` maps question ids to their text, `rubric` holds
    every criterion of the template (the gaming rules read the points of all that score an answer)."""
    scope = [a for a in answers if in_scope(a, criterion) and a.text.strip()]
    if not scope:
        return no_answer(criterion)
    not_given = [a.question_id for a in answers if in_scope(a, criterion) and not a.text.strip()]
    gamed: dict[str, str] = {}
    honest = []
    for answer in scope:
        earlier = answers[: next(i for i, given in enumerate(answers) if given is answer)]
        found = gaming.answer_findings(answer, criterion, questions, rubric, earlier)
        gamed = found | gamed  # the first answer a rule fires on explains it
        if not found:
            honest.append(answer)
    left_out = 0 < len(honest) < len(scope)
    if left_out:
        not_given += [a.question_id for a in scope if a not in honest]
        scope = honest  # a gamed answer beside honest ones counts as not given
    evidence: list[EvidenceSpan] = []
    rules: list[RuleResult] = []
    cleaned = [gaming.without_repeats(a.text) for a in scope]  # cached per text
    prepared = [_prepare(a, text, embedder) for a, text in zip(scope, cleaned, strict=True)]
    deduped = [a.model_copy(update={"text": text}) for a, text in zip(scope, cleaned, strict=True)]

    features: dict[str, tuple[float, str]] = {}
    groups = phrase_groups(criterion)
    credits: list[float] = []
    if groups:
        credits, literal, misspelt = _credits(prepared, groups, embedder, evidence)
        features["evidence"] = _evidence(credits, literal, misspelt, criterion.evidence_needed)
    if criterion.reference_answer:
        features["reference"] = _reference(prepared, criterion.reference_answer, embedder, evidence)
    anchors = [(level, text) for level, text in enumerate(criterion.level_examples, start=1) if text]
    closest = None
    if anchors:
        closest, anchor_feature = _anchors(prepared, anchors, embedder)
        if len(anchors) >= 2:
            features["anchors"] = anchor_feature
        else:
            rules.append(RuleResult(rule="anchors", fired=True, detail=anchor_feature[1], points=0.0))
    if criterion.structure_cues:
        share = structure_feature(deduped, evidence, _STRUCTURE_PATTERNS)
        features["structure"] = (share, f"structure: {round(share * 4)} of 4 parts (situation, task, action, result)")
    if groups or criterion.reference_answer:
        features["vocabulary"] = _vocabulary(deduped, criterion, questions)
    features["length"] = _length(deduped, criterion, not_given)
    total_weight = sum(WEIGHTS[name] for name in features)
    raw = 0.0
    for name, (feature, detail) in features.items():
        points = 5 * WEIGHTS[name] / total_weight * feature
        raw += points
        rules.append(RuleResult(rule=name, fired=feature > 0, detail=detail, points=round_half_up(points, 2)))
    relevance_detail, away = _relevance(prepared, questions, rubric, embedder)
    rules.append(RuleResult(rule="relevance", fired=False, detail=relevance_detail, points=0.0))
    score = min(5.0, max(0.0, raw + filler_penalty(deduped, rules, evidence)))
    if must := must_show_groups(criterion):
        score += _must_show(must, credits, score, rules)
    rules.extend(speaking_rate(scope))
    score = gaming.apply_caps(
        score,
        gamed,
        away,
        longest_answer_words=max(len(words(a.text)) for a in scope),
        any_evidence=any(e.rule.startswith(("evidence:", "reference:")) for e in evidence),
        left_out=left_out,
        lists_expected=gaming.expects_lists(criterion),
        rules=rules,
    )
    score = blend_model(score, scope, criterion, ratings, rules, evidence)
    return criterion_score(criterion, min(5.0, max(0.0, score)), evidence, rules, places=2, closest_anchor=closest)


def embed_ahead(answers: Sequence[AnswerForScoring], content: TemplateContent, embedder: SentenceEmbedder) -> None:
    """Run the model once over everything that scoring `answers` on `content` compares, in batches; scoring
    then finds every vector in the embedder's cache."""
    rubric = [q.text for q in content.questions]
    for criterion in content.criteria:
        rubric += [alternative for group in phrase_groups(criterion) for alternative in group]
        if criterion.reference_answer:
            rubric += [criterion.reference_answer, *(p.text for p in sentences(criterion.reference_answer))]
        rubric += [text for text in criterion.level_examples if text]
    embedder.embed(rubric)
    embedder.token_states([gaming.without_repeats(a.text) for a in answers if a.text.strip()])


def _prepare(answer: AnswerForScoring, text: str, embedder: SentenceEmbedder) -> _Answer:
    """The answer's sentences and windows, read in context (one model run for the whole answer)."""
    return _Answer(answer, text, *_read(text, embedder))


@functools.lru_cache(maxsize=512)
def _read(text: str, embedder: SentenceEmbedder) -> tuple[list[Unit], np.ndarray, np.ndarray]:
    """Units of `text`, their vectors and the whole text's vector; cached, so every criterion (and every re-score
    after another answer is saved) reuses an answer already read."""
    pieces = units(text)
    states = embedder.token_states([text])[0]
    vectors = states.pooled_many([(u.start, u.end) for u in pieces])
    return pieces, vectors, states.whole()


def _credits(
    answers: list[_Answer], groups: list[list[str]], embedder: SentenceEmbedder, evidence: list[EvidenceSpan]
) -> tuple[list[float], int, list[str]]:
    """Each group's credit — 1 when an alternative occurs by its words, else the credit of the best similarity —,
    how many were found by their words and the misspelt words among those; the span that earned a credit goes to
    `evidence`."""
    credits: list[float] = []
    literal = 0
    misspelt: list[str] = []
    for group in groups:
        found = _literal_span(answers, group)
        if found is not None:
            evidence.append(found[0])
            misspelt += found[1]
            credits.append(1.0)
            literal += 1
            continue
        best = _best_unit(answers, embedder.embed(group))
        got = credit(best[0], EVIDENCE_SIMILARITY) if best else 0.0
        credits.append(got)
        if best is not None and got > 0:
            evidence.append(_span(best, f"evidence:{group[0]}"))
    return credits, literal, misspelt


def _evidence(credits: list[float], literal: int, misspelt: list[str], needed: int | None) -> tuple[float, str]:
    """The evidence feature from the groups' credits, over the points needed for full marks."""
    by_meaning = sum(1 for c in credits if c > 0) - literal
    need = min(needed or len(credits), len(credits))
    feature = min(1.0, sum(credits) / need)
    shown = ", ".join(f"“{word}”" for word in misspelt)
    return feature, (
        f"evidence: {sum(credits):.2f} of the rubric's {len(credits)} point{'s' if len(credits) > 1 else ''} "
        f"({literal} by their words"
        + (f", misspelt: {shown}" if misspelt else "")
        + f", {by_meaning} more by meaning); {need} give{'s' if need == 1 else ''} full marks"
    )


def _must_show(groups: list[list[str]], credits: list[float], score: float, rules: list[RuleResult]) -> float:
    """The must_show rule (appended to `rules`): half the score when a must-show point earned under MUST_SHOW_CREDIT
    (its credits are the first of `credits`); returns the points it takes."""
    missing = [group[0] for group, got in zip(groups, credits, strict=False) if got < MUST_SHOW_CREDIT]
    points = -score * (1 - MUST_SHOW_FACTOR) if missing else 0.0
    shown = "; ".join(f"“{point}”" for point in missing)
    detail = f"must show: not found: {shown}; score halved" if missing else "must show: every point found"
    rules.append(RuleResult(rule="must_show", fired=bool(missing), detail=detail, points=round_half_up(points, 2)))
    return points


def _best_unit(answers: list[_Answer], targets: np.ndarray) -> tuple[float, _Answer, Unit] | None:
    """The sentence or window of any answer most similar to any of `targets`, with that similarity."""
    best: tuple[float, _Answer, Unit] | None = None
    for answer in answers:
        if answer.units:
            similarities = _similarity(answer.unit_vectors, targets).max(axis=1)
            index = int(np.argmax(similarities))
            if best is None or similarities[index] > best[0]:
                best = (float(similarities[index]), answer, answer.units[index])
    return best


def _span(found: tuple[float, _Answer, Unit], rule: str) -> EvidenceSpan:
    """The quoted unit as evidence (with the signs of its first and last words), with its offsets in the answer as
    given and its similarity."""
    similarity, answer, unit = found
    text = answer.source.text
    first = text.find(unit.text)
    start, end = with_signs(text, first, first + len(unit.text))
    return EvidenceSpan(
        question_id=answer.source.question_id,
        start=start,
        end=end,
        text=text[start:end],
        rule=rule,
        similarity=similarity,
    )


def _literal_span(answers: list[_Answer], group: list[str]) -> tuple[EvidenceSpan, list[str]] | None:
    """The first place where an alternative of `group` occurs by its words (`spelling`: misspelt ones too), and the
    misspelt words in it."""
    needles, stems = point_needles(group), point_stems(tuple(group))
    for answer in answers:
        found, misread = stem_tokens_read(answer.source.text, stems)
        hits = matches([t[0] for t in found], needles)
        if hits:
            first, stop = hits[0]
            start, end = with_signs(answer.source.text, found[first][1], found[stop - 1][2])
            misspelt = [answer.source.text[found[i][1] : found[i][2]] for i in range(first, stop) if i in misread]
            span = EvidenceSpan(
                question_id=answer.source.question_id,
                start=start,
                end=end,
                text=answer.source.text[start:end],
                rule=f"evidence:{group[0]}",
            )
            return span, misspelt
    return None


def _reference(
    answers: list[_Answer], reference: str, embedder: SentenceEmbedder, evidence: list[EvidenceSpan]
) -> tuple[float, str]:
    points = sentences(reference) or [Unit(0, len(reference), reference)]
    point_vectors = embedder.embed([p.text for p in points])
    whole = embedder.embed([reference])[0]
    credits = []
    for point, vector in zip(points, point_vectors, strict=True):
        best = _best_unit(answers, vector[None, :])
        got = credit(best[0], REFERENCE_SIMILARITY) if best else 0.0
        credits.append(got)
        if best is not None and got > 0:
            quoted = textwrap.shorten(point.text, REFERENCE_QUOTED, placeholder=" …")
            evidence.append(_span(best, f"reference:{quoted}"))
    overall = max(float(_similarity(a.vector[None, :], whole[None, :])[0, 0]) for a in answers)
    points_share = sum(credits) / len(credits)
    feature = (points_share + credit(overall, ANSWER_SIMILARITY)) / 2
    return feature, (
        f"reference answer: {sum(credits):.2f} of its {len(points)} sentences met, whole answer similarity "
        f"{overall:.2f}"
    )


def _anchors(
    answers: list[_Answer], anchors: list[tuple[int, str]], embedder: SentenceEmbedder
) -> tuple[int | None, tuple[float, str]]:
    vectors = embedder.embed([text for _, text in anchors])
    mean = np.mean([a.vector for a in answers], axis=0)
    norm = float(np.linalg.norm(mean))
    similarities = [float(s) for s in _similarity((mean / norm if norm else mean)[None, :], vectors)[0]]
    weights = [math.exp((s - max(similarities)) / ANCHOR_TEMPERATURE) for s in similarities]
    level = sum(w * lvl for w, (lvl, _) in zip(weights, anchors, strict=True)) / sum(weights)
    nearest = anchors[int(np.argmax(similarities))][0]
    shown = ", ".join(f"level {lvl}: {s:.2f}" for (lvl, _), s in zip(anchors, similarities, strict=True))
    if max(similarities) < ANCHOR_CLOSE:
        return None, ((level - 1) / 4, f"no example answer is close (similarity below {ANCHOR_CLOSE}: {shown})")
    return nearest, ((level - 1) / 4, f"closest to the level {nearest} example answer ({shown})")


def _relevance(
    answers: list[_Answer], questions: dict[str, str], rubric: Sequence[CriterionSpec], embedder: SentenceEmbedder
) -> tuple[str, gaming.Away | None]:
    """How close each answer is in meaning to its question, and to the reference and example answers of the criteria
    that score it: an explanation, and the answer furthest from both when it is under both off_topic thresholds and
    shows no point of any criterion that scores it.
    An open question ("Tell me about a system you built") is often only 0.0–0.2 similar to a strong answer, which
    is 0.3–0.75 similar to the rubric's examples of an answer to it."""
    pairs: list[tuple[_Answer, float, float | None]] = []
    for answer in answers:
        question = questions.get(answer.source.scope_id or answer.source.question_id, "")
        if not question:
            continue
        to_question = float(_similarity(answer.vector[None, :], embedder.embed([question]))[0, 0])
        examples = [
            text
            for criterion in rubric
            if in_scope(answer.source, criterion)
            for text in (criterion.reference_answer, *criterion.level_examples)
            if text
        ]
        to_examples = float(_similarity(answer.vector[None, :], embedder.embed(examples)).max()) if examples else None
        pairs.append((answer, to_question, to_examples))
    if not pairs:
        return "similarity to the question: no question text", None
    which = f"the lowest of {len(pairs)} answers; " if len(pairs) > 1 else ""
    detail = f"similarity to the question: {min(q for _, q, _ in pairs):.2f}"
    nearest = [e for _, _, e in pairs if e is not None]
    if nearest:
        detail += f", to the rubric's reference and example answers: {min(nearest):.2f}"
        which += f"off_topic under {gaming.OFF_TOPIC_SIMILARITY:.2f} and {gaming.OFF_TOPIC_EXAMPLES:.2f} "
    else:
        which += f"off_topic under {gaming.OFF_TOPIC_SIMILARITY:.2f} "
    away = [
        gaming.Away(q, e)
        for answer, q, e in pairs
        if q < gaming.OFF_TOPIC_SIMILARITY
        and (e is None or e < gaming.OFF_TOPIC_EXAMPLES)
        and not _shows_a_point(answer, rubric, embedder)
    ]
    return f"{detail} ({which}with no rubric point)", min(away, key=lambda a: a.question, default=None)


def _shows_a_point(answer: _Answer, rubric: Sequence[CriterionSpec], embedder: SentenceEmbedder) -> bool:
    """Whether the answer shows a point of any criterion that scores it, by its words or by meaning (then it is about
    its question, however little its words resemble the question's)."""
    return any(
        any(_credits([answer], phrase_groups(criterion), embedder, evidence=[])[0])
        for criterion in rubric
        if in_scope(answer.source, criterion)
    )


def _vocabulary(
    answers: list[AnswerForScoring], criterion: CriterionSpec, questions: dict[str, str]
) -> tuple[float, str]:
    asked = set().union(*(content_stems(questions.get(a.scope_id or a.question_id, "")) for a in answers))
    vocabulary = content_stems(criterion_text(criterion)) - asked
    used: dict[str, str] = {}  # stem → the word as the answer first has it
    for answer in answers:
        for word, found in content_words_read(answer.text, vocabulary):
            if found in vocabulary:
                used.setdefault(found, word)
    full = max(1, min(VOCABULARY_FULL, len(vocabulary) // 3))
    shown = ", ".join(list(used.values())[:12]) + (" …" if len(used) > 12 else "")
    detail = f"rubric vocabulary: {len(used)} of its words used, {full} give full credit ({shown})"
    return min(1.0, len(used) / full), detail


def criterion_text(criterion: CriterionSpec) -> str:
    """Everything the admin wrote for a criterion: description, levels, points, reference and example answers."""
    return " ".join(
        [
            criterion.description,
            *criterion.levels,
            *criterion.must_show,
            *criterion.evidence_phrases,
            criterion.reference_answer,
            *criterion.level_examples,
        ]
    )


def _length(answers: list[AnswerForScoring], criterion: CriterionSpec, not_given: list[str]) -> tuple[float, str]:
    """The length feature; a question in scope left unanswered (or whose answer is left out) counts as 0 words."""
    counts = [len(words(a.text)) for a in answers] + [0] * len(not_given)
    ceiling = math.log1p(criterion.expected_words_max)
    feature = sum(min(1.0, math.log1p(n) / ceiling) for n in counts) / len(counts)
    unanswered = f"; not answered: {', '.join(not_given)}" if not_given else ""
    return feature, (
        f"length: {', '.join(map(str, counts))} words (full credit at {criterion.expected_words_max}){unanswered}"
    )
