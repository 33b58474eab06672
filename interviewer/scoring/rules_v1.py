"""Deterministic rubric scoring, rules v1: a pure function of (answers, rubric criterion).

For one criterion, the answers in scope are those of `criterion.question_ids` (all answers when empty).

Features, each in 0..1:
- coverage: share of evidence-phrase groups found. A group is one `must_show` or `evidence_phrases` item; its
  alternatives (synonyms) are separated by "|". An alternative matches when its stemmed words occur
  in a row among the stemmed words of an answer; a group without any word is ignored. Words are runs
  of letters, digits, "_" and "'", lowercased. Stemming strips the first of "ing", "ed", "ly", "es",
  "s" that fits, then a final "e", keeping at least 3 letters ("scale", "scaled", "scaling", "scales" →
  "scal").
- structure (only with `structure_cues`): share of the four parts situation / task / action / result
  whose cue phrases (see STRUCTURE_CUES) appear, matched whole-word and case-insensitively (any
  whitespace between the words of a cue; FILLERS are matched the same way).
- length: per answer, 1 if its word count lies in [expected_words_min, expected_words_max], else
  words/min below the range, max/words (at least 0.5) above it; averaged over the answers in scope
  that are not blank (blank answers are left out of every feature).

Score (0..5):
  phrases and structure:  5 × (0.60·coverage + 0.25·structure + 0.15·length)
  phrases only:           5 × (0.80·coverage + 0.20·length)
  structure only:         5 × (0.70·structure + 0.30·length)
  neither:                5 × length
minus a filler penalty: filler rate (FILLERS per word) above 5 % → −0.5, above 10 % → −1.0;
then clamped to 0..5 and rounded half-up to one decimal (float noise such as 0.44999999999999996
is first rounded away at 9 decimals, so 0.45 → 0.5 as by hand). No answer text in scope → 0, level 0.
Speaking rate of spoken answers is reported as a rule (outside 100–180 words/min) without points.

Model ratings (only with a language model configured and `llm_weight` w > 0 on the criterion): the
mean level m (1–5) of the verified model ratings of the answers in scope is blended in as
score = (1 − w) · rule score + w · m, before rounding. Quotes the model gave that are not in the
transcript were dropped before this (see `interviewer.llm.ratings`); kept quotes show as evidence.
level = round-half-up(score), at least 1 when score > 0; the weighted total is
round-half-up(Σ weight·score / Σ weight × 20, 1 decimal).

The stemmed word matching, fillers and speaking rate here are shared with scoring v2 (`meaning_v2`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from interviewer.models import CriterionSpec
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
from interviewer.scoring.text import stem_tokens

WEIGHTS_BOTH = (0.60, 0.25, 0.15)
WEIGHTS_PHRASES = (0.80, 0.20)
WEIGHTS_STRUCTURE = (0.70, 0.30)
FILLER_STEPS = ((0.10, -1.0), (0.05, -0.5))
SPEAKING_RATE = (100.0, 180.0)
MAX_SPANS_PER_GROUP = 3
FILLERS = ("um", "uh", "erm", "er", "hmm", "you know", "i mean", "sort of", "kind of", "basically")
STRUCTURE_CUES: dict[str, tuple[str, ...]] = {
    "situation": ("when i was", "at my previous", "in my last role", "the situation", "we had a", "context"),
    "task": ("my task", "i was responsible", "my role was", "the goal", "i needed to", "we needed to"),
    "action": (
        "i decided",
        "i built",
        "i implemented",
        "i designed",
        "i led",
        "i wrote",
        "i created",
        "i set up",
        "i introduced",
        "so i",
    ),
    "result": (
        "as a result",
        "resulted in",
        "which led to",
        "in the end",
        "reduced",
        "increased",
        "improved",
        "saved",
        r"\b\d+(?:\.\d+)?\s*(?:%|percent\b)",  # a regular expression, see _CUE_PATTERNS
    ),
}
_WORD = re.compile(r"[\w']+")  # v1's words keep a quote around them ("'space"), as old reports were scored


def score_criterion(
    answers: list[AnswerForScoring], criterion: CriterionSpec, ratings: Sequence[ModelRating] = ()
) -> CriterionScore:
    """Score one criterion on the answers in its scope."""
    scope = [a for a in answers if in_scope(a, criterion) and a.text.strip()]
    if not scope:
        return no_answer(criterion)
    evidence: list[EvidenceSpan] = []
    rules: list[RuleResult] = []
    groups = phrase_groups(criterion)
    coverage = phrase_coverage(scope, groups, evidence)
    structure = structure_feature(scope, evidence) if criterion.structure_cues else 0.0
    length, within = length_feature(scope, criterion)

    parts: list[tuple[str, float, float, str]] = []  # rule, feature, weight, detail
    if groups and criterion.structure_cues:
        w_cov, w_str, w_len = WEIGHTS_BOTH
    elif groups:
        (w_cov, w_len), w_str = WEIGHTS_PHRASES, 0.0
    elif criterion.structure_cues:
        (w_str, w_len), w_cov = WEIGHTS_STRUCTURE, 0.0
    else:
        w_cov, w_str, w_len = 0.0, 0.0, 1.0
    if groups:
        found = round(coverage * len(groups))
        parts.append(("evidence", coverage, w_cov, f"evidence: {found} of {len(groups)} phrase groups found"))
    if criterion.structure_cues:
        parts.append(
            (
                "structure",
                structure,
                w_str,
                f"structure: {round(structure * 4)} of 4 parts (situation, task, action, result) present",
            )
        )
    parts.append(
        (
            "length",
            length,
            w_len,
            f"length: {within} of {len(scope)} answers within "
            f"{criterion.expected_words_min}–{criterion.expected_words_max} words",
        )
    )
    raw = 0.0
    for rule, feature, weight, detail in parts:
        points = 5 * weight * feature
        raw += points
        rules.append(RuleResult(rule=rule, fired=feature > 0, detail=detail, points=round_half_up(points, 2)))

    penalty = filler_penalty(scope, rules, evidence)
    rules.extend(speaking_rate(scope))
    rule_score = min(5.0, max(0.0, raw + penalty))
    return criterion_score(
        criterion, blend_model(rule_score, scope, criterion, ratings, rules, evidence), evidence, rules
    )


def no_answer(criterion: CriterionSpec) -> CriterionScore:
    """The score of a criterion with no answer text in its scope."""
    return CriterionScore(
        criterion_id=criterion.id,
        name=criterion.name,
        weight=criterion.weight,
        score=0.0,
        level=0,
        level_description="No answer to score",
        evidence=[],
        rules=[RuleResult(rule="no_answer", fired=True, detail="no answer to score", points=0.0)],
    )


def phrase_groups(criterion: CriterionSpec) -> list[list[str]]:
    """The criterion's evidence-phrase groups (its must-show points first) as lists of alternatives; groups
    without a word are left out."""
    return point_groups([*criterion.must_show, *criterion.evidence_phrases])


def must_show_groups(criterion: CriterionSpec) -> list[list[str]]:
    """The must-show points as groups of alternatives: the first groups of `phrase_groups`."""
    return point_groups(criterion.must_show)


def point_groups(lines: list[str]) -> list[list[str]]:
    """Rubric points written one per line, "|" between alternatives, as lists of alternatives; lines without a
    word are left out."""
    groups = [[alt.strip() for alt in line.split("|") if alt.strip()] for line in lines]
    return [g for g in groups if any(_WORD.search(alt) for alt in g)]


def filler_penalty(scope: list[AnswerForScoring], rules: list[RuleResult], evidence: list[EvidenceSpan]) -> float:
    """The filler rule (appended to `rules`, fillers to `evidence`) and its points."""
    rate, spans = filler_spans(scope)
    penalty = next((p for threshold, p in FILLER_STEPS if rate > threshold), 0.0)
    evidence.extend(spans)
    rules.append(RuleResult(rule="fillers", fired=penalty < 0, detail=f"fillers: {rate:.1%} of words", points=penalty))
    return penalty


def blend_model(
    rule_score: float,
    scope: list[AnswerForScoring],
    criterion: CriterionSpec,
    ratings: Sequence[ModelRating],
    rules: list[RuleResult],
    evidence: list[EvidenceSpan],
) -> float:
    """Mix in the model's mean level with the criterion's `llm_weight`; its quotes become evidence."""
    texts = {a.question_id: a.text for a in scope}
    mine = [r for r in ratings if r.criterion_id == criterion.id and r.question_id in texts]
    if criterion.llm_weight <= 0 or not mine:
        return rule_score
    level = sum(r.level for r in mine) / len(mine)
    blended = (1 - criterion.llm_weight) * rule_score + criterion.llm_weight * level
    kept, dropped = sum(len(r.quotes) for r in mine), sum(r.dropped_quotes for r in mine)
    rules.append(
        RuleResult(
            rule="model_rating",
            fired=True,
            detail=f"model rating: level {level:.1f} on {len(mine)} answers, weight {criterion.llm_weight:g} "
            f"({kept} quotes verified, {dropped} not in the transcript and dropped; {mine[0].model})",
            points=round_half_up(blended - rule_score, 2),
        )
    )
    for rating in mine:
        text = texts[rating.question_id]
        for quote in rating.quotes:
            start = text.lower().find(quote.lower())
            if start >= 0:
                end = start + len(quote)
                evidence.append(
                    EvidenceSpan(
                        question_id=rating.question_id, start=start, end=end, text=text[start:end], rule="model:quote"
                    )
                )
    return blended


def phrase_coverage(scope: list[AnswerForScoring], groups: list[list[str]], evidence: list[EvidenceSpan]) -> float:
    """Share of phrase groups found; records up to MAX_SPANS_PER_GROUP non-overlapping spans per answer."""
    if not groups:
        return 0.0
    matched = 0
    tokenized = [(a, stem_tokens(a.text, _WORD)) for a in scope]
    for group in groups:
        needles = [[t[0] for t in stem_tokens(alternative, _WORD)] for alternative in group]
        found = False
        for answer, tokens in tokenized:
            taken: list[tuple[int, int]] = []
            for start, end in matches([t[0] for t in tokens], needles):
                if len(taken) == MAX_SPANS_PER_GROUP or any(s < end and start < e for s, e in taken):
                    continue
                taken.append((start, end))
                first, last = tokens[start][1], tokens[end - 1][2]
                evidence.append(
                    EvidenceSpan(
                        question_id=answer.question_id,
                        start=first,
                        end=last,
                        text=answer.text[first:last],
                        rule=f"evidence:{group[0]}",
                    )
                )
            found = found or bool(taken)
        matched += found
    return matched / len(groups)


def matches(stems: list[str], needles: list[list[str]]) -> list[tuple[int, int]]:
    """Token ranges [start, end) where any needle occurs, in text order (longer needles first at a tie)."""
    positions = _positions(tuple(stems))
    hits = [
        (i, i + len(needle))
        for needle in needles
        if needle
        for i in positions.get(needle[0], ())
        if stems[i : i + len(needle)] == needle
    ]
    return sorted(set(hits), key=lambda hit: (hit[0], -hit[1]))


@functools.lru_cache(maxsize=64)
def _positions(stems: tuple[str, ...]) -> dict[str, list[int]]:
    """Where each stem occurs; cached, as one answer is matched against every phrase of every criterion (callers
    only read it)."""
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(stems):
        positions.setdefault(word, []).append(index)
    return positions


def structure_feature(
    scope: list[AnswerForScoring], evidence: list[EvidenceSpan], patterns: dict[str, re.Pattern[str]] | None = None
) -> float:
    """Share of the four STAR parts present; records the first cue of each part as evidence."""
    patterns = patterns or _CUE_PATTERNS
    present = 0
    for part, pattern in patterns.items():
        hit = next(((a, span) for a in scope if (span := _first_cue(pattern, a.text))), None)
        if hit is not None:
            answer, (start, end) = hit
            evidence.append(
                EvidenceSpan(
                    question_id=answer.question_id,
                    start=start,
                    end=end,
                    text=answer.text[start:end],
                    rule=f"structure:{part}",
                )
            )
            present += 1
    return present / 4


@functools.lru_cache(maxsize=1024)
def _first_cue(pattern: re.Pattern[str], text: str) -> tuple[int, int] | None:
    """Where `pattern` first occurs in `text`; cached, as every saved answer re-scores the others."""
    found = pattern.search(text)
    return (found.start(), found.end()) if found else None


def cue_patterns(cues: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    """One pattern per part: cue phrases whole-word, any whitespace between words; cues starting with "\\" are
    regular expressions."""
    return {
        part: re.compile(
            r"\b(?:"
            + "|".join(c.replace(" ", r"\s+") for c in part_cues if not c.startswith("\\"))
            + r")\b"
            + "".join(f"|{c}" for c in part_cues if c.startswith("\\")),
            re.IGNORECASE,
        )
        for part, part_cues in cues.items()
    }


_CUE_PATTERNS = cue_patterns(STRUCTURE_CUES)
_FILLER_PATTERN = re.compile(r"\b(?:" + "|".join(f.replace(" ", r"\s+") for f in FILLERS) + r")\b", re.IGNORECASE)


def length_feature(scope: list[AnswerForScoring], criterion: CriterionSpec) -> tuple[float, int]:
    """Mean length credit of the answers and how many lie within the expected range."""
    low, high = criterion.expected_words_min, criterion.expected_words_max
    credits, within = [], 0
    for answer in scope:
        words = len(_WORD.findall(answer.text))
        if low <= words <= high:
            credits.append(1.0)
            within += 1
        elif words < low:
            credits.append(words / low)
        else:
            credits.append(max(0.5, high / words))
    return sum(credits) / len(credits), within


def filler_spans(scope: list[AnswerForScoring]) -> tuple[float, list[EvidenceSpan]]:
    """Fillers per word over all answers, and each filler as a span."""
    words = sum(_word_count(a.text) for a in scope)
    spans = [
        EvidenceSpan(question_id=a.question_id, start=start, end=end, text=a.text[start:end], rule="filler")
        for a in scope
        for start, end in _filler_offsets(a.text)
    ]
    return (len(spans) / words if words else 0.0), spans


@functools.lru_cache(maxsize=4096)
def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


@functools.lru_cache(maxsize=4096)
def _filler_offsets(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in _FILLER_PATTERN.finditer(text))


def speaking_rate(scope: list[AnswerForScoring]) -> list[RuleResult]:
    """An informational rule (no points) on the mean speaking rate of spoken answers, if any."""
    rates = [a.words_per_minute for a in scope if a.words_per_minute]
    if not rates:
        return []
    rate = sum(rates) / len(rates)
    low, high = SPEAKING_RATE
    outside = not low <= rate <= high
    return [
        RuleResult(
            rule="speaking_rate",
            fired=outside,
            points=0.0,
            detail=f"speaking rate: {rate:.0f} words/min ({'outside' if outside else 'within'} "
            f"{low:.0f}–{high:.0f}, for the reviewer)",
        )
    ]
