"""Rules that keep scoring v2 from being gamed; each caps the criterion's score when it fires.

Every rule is listed in the report, fired or not; a fired rule's points are what its cap took away. The rules
about one answer (all but off_topic) judge each answer in the criterion's scope on its own: when other answers
in scope are honest, a gamed answer is left out (scored as if it had not been given: as a question left blank) and
caps nothing, so one keyword list does not wipe out what the candidate's other answers showed; when every answer
is gamed, the caps apply.
- keyword_list: an answer of 8 words or more in which under 12 % are function words ("the", "and", "we",
  "because", …); English sentences have about 40–55 %, terse technical ones 20–30 %. Cap 1.0.
- rubric_paste: the rubric's own words make 60 % or more of an answer: literal matches of evidence phrases from
  3 or more groups (a short answer that is one or two points in the rubric's words is fine, unless it is two
  phrases of 4 words or more and not one word besides: "light travels faster sound travels slower"), or — for answers
  of 12 words or more — runs of 3 words also found in the criterion's description, level descriptions,
  reference answer or level examples. Or the rubric's points strung together with glue: evidence phrases
  from 5 or more groups of one criterion that reads the answer (this one or another: a paste of the question's
  rubric is a paste for each criterion) and at most 2 content words that are no criterion's phrases (the
  question's words count as the answer's own, except where it copies 3 words in a row of it): "I think A and B and
  C and D and E", "It is about A. It is about B. …", the question followed by the phrases. A terse honest
  answer in the rubric's words still names what the question asks about ("Pythons can live anywhere"). Cap 0.5.
- question_echo: 60 % or more of an answer's words lie inside runs of 3 words taken from its question, it adds
  fewer than 3 content words of its own, and no evidence phrase occurs by its words. Cap 0.5.
- repetition: a third or more of an answer's sentences (at least 2) say the same words as an earlier one (sentences
  of only function words and acknowledgements such as "Okay." or "Yeah, right." do not count).
  Repeated sentences never count twice (`without_repeats`); this rule caps what is left at 1.0.
- copied_answer: an answer of 8 words or more whose words lie, 60 % or more of them, in runs of 3 words of an
  earlier answer of the same interview (the same prepared text given to several questions: it would count as an
  answer to each, and a long one would lift every length feature). Cap 1.0.
- off_topic: an answer of 8 words or more that is not about its question (similarity below 0.10) nor like any
  reference or example answer of the criteria that score it (below 0.25), and shows no rubric point of any of them,
  by its words or by meaning. Cap 0.5.
- not_english: an answer written in another language (`interviewer.scoring.language`), which the model and these
  rules cannot read: it says so and asks for a person instead of calling the answer a keyword list off the question
  (neither of those fires on it). Cap 1.0, as for a keyword list.
Where the criterion's own strong answer (its reference answer, else its level-5 example) is made of its evidence
phrases — one sentence naming 2 or more of them and at most one other content word: "push and pop" for "What are
the main operations of a stack?", "A node that has no children" for "What is a leaf?" — an answer made of them is
what the question asks for: keyword_list and rubric_paste do not apply, and the report says why.
Phrases and the question are read as the evidence feature reads them: a misspelt word of theirs counts as that word
(`interviewer.scoring.spelling`), so a paste with typos ("cahce daatbase inedx") is still a paste.
The thresholds were checked against the human-graded answers of `bench/scoring_agreement.py`, where they fire on
few real answers (figures in bench/RESULTS.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

from interviewer.models import CriterionSpec
from interviewer.scoring.card import AnswerForScoring, CriterionScore, RuleResult, in_scope, round_half_up
from interviewer.scoring.language import other_language
from interviewer.scoring.rules_v1 import matches, phrase_groups
from interviewer.scoring.spelling import point_needles, point_stems, read_as, stem_tokens_read
from interviewer.scoring.text import (
    FUNCTION_WORDS,
    SENTENCE,
    content_stems,
    content_words,
    copied,
    covered_share,
    function_word_share,
    stem,
    stem_tokens,
    words,
)

KEYWORD_FUNCTION_SHARE = 0.12
KEYWORD_MIN_WORDS = 8
COPIED_SHARE = 0.60
PASTED_GROUPS = 3
LIST_GROUPS = 2  # this many rubric points with (nearly) nothing else make a list
LIST_OWN_WORDS = 1  # "There are four ways: …" is still a list
PASTED_PHRASES_MIN_WORDS = 4  # two single words may be the whole answer ("push, pop"); two longer phrases are not
PASTED_RUNS_MIN_WORDS = 12
STRUNG_GROUPS = 5  # fires on none of the 4,771 graded answers of bench/
STRUNG_OWN_WORDS = 2
ECHO_MIN_WORDS = 4
ECHO_OWN_WORDS = 3
OFF_TOPIC_MIN_WORDS = 8
COPY_MIN_WORDS = 8
REPEATED_SHARE = 1 / 3
OFF_TOPIC_SIMILARITY = 0.10
ACKNOWLEDGEMENTS = frozenset(  # said between sentences: a transcript has "Okay." or "Yeah." as sentences of their own,
    # and "Thank you." (speech-to-text models also write it into silence)
    ["okay", "ok", "yeah", "yes", "yep", "right", "alright", "sure", "um", "uh", "erm", "hmm", "mm", "thank", "thanks"]
)
OFF_TOPIC_EXAMPLES = 0.25  # genuine answers to the example template are 0.31–0.75 similar to its examples
RULE_NAMES = {  # each capping rule in a reviewer's words
    "keyword_list": "keyword list",
    "rubric_paste": "rubric paste",
    "question_echo": "question echo",
    "repetition": "repetition",
    "copied_answer": "copied answer",
    "off_topic": "off topic",
    "not_english": "not in English",
}
LIST_RULES = ("keyword_list", "rubric_paste")  # not about lists when lists are the expected answer
CAPS = {
    "keyword_list": 1.0,
    "rubric_paste": 0.5,
    "question_echo": 0.5,
    "repetition": 1.0,
    "copied_answer": 1.0,
    "off_topic": 0.5,
    "not_english": 1.0,
}


class Away(NamedTuple):
    """An answer's similarity to its question and to the closest reference or example answer (None: the rubric has
    none), when it is under the off_topic thresholds."""

    question: float
    examples: float | None


@functools.lru_cache(maxsize=1024)
def without_repeats(text: str) -> str:
    """`text` without sentences whose words repeat an earlier sentence's (the first one stays)."""
    seen: set[tuple[str, ...]] = set()
    kept: list[str] = []
    repeated = False
    for sentence in SENTENCE.finditer(text):
        key = tuple(words(sentence.group()))
        if key and key in seen:
            repeated = True
            continue
        seen.add(key)
        kept.append(sentence.group().strip())
    return ". ".join(k for k in kept if k) if repeated else text


@functools.lru_cache(maxsize=1024)
def _repeated(text: str) -> tuple[int, int]:
    """Of the sentences that say something (not only "Okay." or "Yeah, right."), how many repeat an earlier one, and
    how many there are."""
    keys = [tuple(words(s.group())) for s in SENTENCE.finditer(text)]
    keys = [k for k in keys if set(k) - FUNCTION_WORDS - ACKNOWLEDGEMENTS]
    return len(keys) - len(set(keys)), len(keys)


def _rubric_text(criterion: CriterionSpec) -> str:
    """The criterion's own prose: description, level descriptions, reference answer and level examples."""
    return "\n".join([criterion.description, *criterion.levels, criterion.reference_answer, *criterion.level_examples])


def _phrase_cover(text: str, groups: tuple[tuple[str, ...], ...]) -> tuple[float, int]:
    """Share of the words of `text` inside literal matches of evidence phrases, and how many groups matched."""
    covered, groups_hit = _covered(text, groups)
    return (sum(covered) / len(covered) if covered else 0.0), groups_hit


def _covered(text: str, groups: tuple[tuple[str, ...], ...]) -> tuple[list[bool], int]:
    """Which words of `text` lie inside a literal match of an evidence phrase, and how many groups matched. Each group
    reads the misspellings of its own words, as the evidence feature does (a paste with typos is still a paste, and
    a typo one letter from words of two points still counts for the one it meets)."""
    covered = [False] * len(stem_tokens(text))
    groups_hit = 0
    for group in groups:
        hits = _hits([token[0] for token in stem_tokens_read(text, point_stems(group))[0]], group)
        groups_hit += bool(hits)
        for start, end in hits:
            covered[start:end] = [True] * (end - start)
    return covered, groups_hit


def _share_of(text: str, groups: tuple[tuple[str, ...], ...], rubric: str) -> float:
    """Share of the words of `text` that are the rubric's own (see the module docstring's rubric_paste)."""
    covered, groups_hit = _covered(text, groups)
    share = sum(covered) / len(covered) if covered else 0.0
    two_phrases = groups_hit >= LIST_GROUPS and share == 1.0 and len(words(text)) >= PASTED_PHRASES_MIN_WORDS
    by_phrases = share if groups_hit >= PASTED_GROUPS or two_phrases else 0.0
    if len(covered) < PASTED_RUNS_MIN_WORDS:
        return by_phrases
    return max(by_phrases, covered_share(text, rubric))


def expects_lists(criterion: CriterionSpec) -> bool:
    """Whether the criterion's own strong answer (its reference answer, else its level-5 example) is made of its
    evidence phrases ("push and pop"): then an answer made of them is the expected answer, not a way to game it."""
    strong = criterion.reference_answer or criterion.level_examples[-1]
    return _is_list(strong, tuple(tuple(group) for group in phrase_groups(criterion)))


@functools.lru_cache(maxsize=256)
def _is_list(text: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    """One sentence naming LIST_GROUPS or more points, with at most LIST_OWN_WORDS content words besides them
    ("GET, PUT, DELETE and HEAD", "There are four ways: A, B, C and D") — not prose that uses the phrases."""
    if sum(1 for sentence in SENTENCE.finditer(text) if words(sentence.group())) != 1:
        return False
    found = stem_tokens(text)
    covered, groups_hit = _covered(text, groups)
    own = [text[start:end].lower() for (_, start, end), inside in zip(found, covered, strict=True) if not inside]
    return groups_hit >= LIST_GROUPS and sum(word not in FUNCTION_WORDS for word in own) <= LIST_OWN_WORDS


def _strung_together(
    text: str,
    groups: tuple[tuple[str, ...], ...],
    others: tuple[tuple[tuple[str, ...], ...], ...],
    question: str,
) -> str | None:
    """How the answer strings STRUNG_GROUPS or more points of this criterion — or of another criterion that reads
    it (`others`: a paste of the question's rubric is a paste for each criterion) — together with hardly a word of
    its own; every criterion's points count as the rubric's words. None when it does not."""
    phrases = content_stems(" ".join(alt for points in (groups, *others) for group in points for alt in group))
    unechoed = " ".join(w for w, echoed in zip(words(text), _echoed(text, question), strict=True) if not echoed)
    each_point = [point_stems(group) for criterion in (groups, *others) for group in criterion]
    theirs = phrases.union(*each_point)
    own = {  # a typo one letter from the words of two points is still the rubric's, as the evidence reads it
        s
        for w in content_words(unechoed)
        if (s := stem(w)) not in theirs and not any(read_as(w, point) for point in each_point)
    }
    if len(own) > STRUNG_OWN_WORDS:
        return None
    for points in (groups, *others):
        if (found := _phrase_cover(text, points)[1]) >= STRUNG_GROUPS:
            return f"{found} rubric points strung together with {len(own)} words of its own"
    return None


def _echoed(text: str, question: str) -> list[bool]:
    """For each word of `text`: whether it lies in a run of 3 words of the question (by stems, misspelt words of the
    question read as meant)."""
    theirs = [token[0] for token in stem_tokens(question)]
    return copied([token[0] for token in stem_tokens_read(text, frozenset(theirs))[0]], theirs)


def _own_words(text: str, question: str) -> int:
    """How many content words of `text` its question does not have."""
    asked = set(words(question))
    return len({w for w in words(text) if w not in FUNCTION_WORDS and w not in asked})


def answer_findings(
    answer: AnswerForScoring,
    criterion: CriterionSpec,
    questions: dict[str, str],
    rubric: Sequence[CriterionSpec],
    earlier: Sequence[AnswerForScoring] = (),
) -> dict[str, str]:
    """The rules about one answer (all but off_topic) that fire on it, each with its explanation. `rubric` is every
    criterion of the template: an answer that strings the points of this criterion or of another one that reads it
    together is a paste here too, and the other criteria's points are the rubric's words, not the answer's own.
    `earlier` are the interview's answers given before this one (copied_answer)."""
    question_id = answer.scope_id or answer.question_id
    copied_from = _copied_from(answer.text, tuple((a.question_id, a.text) for a in earlier))
    groups = tuple(tuple(group) for group in phrase_groups(criterion))
    others = tuple(  # the points of the other criteria that read this answer (lists there are answers, not tricks)
        tuple(tuple(group) for group in phrase_groups(c))
        for c in rubric
        if c.id != criterion.id and c.kind == "answers" and in_scope(answer, c) and not expects_lists(c)
    )
    found = _findings(
        answer.text,
        question_id,
        questions.get(question_id, ""),
        groups,
        others,
        _rubric_text(criterion),
        lists_expected=expects_lists(criterion),
    )
    if copied_from is not None:
        found += (("copied_answer", f"answer to {answer.question_id}: {copied_from}"),)
    return dict(found)


@functools.lru_cache(maxsize=1024)
def _copied_from(text: str, earlier: tuple[tuple[str, str], ...]) -> str | None:
    """How much of `text` repeats an earlier answer (question id, text), when that makes it a copy."""
    if len(words(text)) < COPY_MIN_WORDS:
        return None
    shares = [(covered_share(text, theirs), question_id) for question_id, theirs in earlier]
    share, question_id = max(shares, default=(0.0, ""))
    return f"{share:.0%} of its words repeat the answer to {question_id}" if share >= COPIED_SHARE else None


@functools.lru_cache(maxsize=1024)
def _findings(
    text: str,
    question_id: str,
    question: str,
    groups: tuple[tuple[str, ...], ...],
    others: tuple[tuple[tuple[str, ...], ...], ...],
    rubric: str,
    *,
    lists_expected: bool,
) -> tuple[tuple[str, str], ...]:
    """`answer_findings` for hashable inputs; cached, as every saved answer re-scores the session's other answers."""
    findings: dict[str, str] = {}
    count = len(words(text))
    share = function_word_share(text)
    if language := other_language(text):
        findings["not_english"] = (
            f"answer to {question_id} is in another language ({language}); scoring v2 reads English only, ask a person"
        )
    if not lists_expected:  # else a list of the rubric's points, in its words, is the answer asked for
        if count >= KEYWORD_MIN_WORDS and share < KEYWORD_FUNCTION_SHARE and not language:
            findings["keyword_list"] = f"answer to {question_id}: {share:.0%} function words"
        if (pasted := _share_of(text, groups, rubric)) >= COPIED_SHARE:
            findings["rubric_paste"] = f"answer to {question_id}: {pasted:.0%} of its words are the rubric's"
        elif (strung := _strung_together(text, groups, others, question)) is not None:
            findings["rubric_paste"] = f"answer to {question_id}: {strung}"
    if (
        count >= ECHO_MIN_WORDS
        and (echoed := covered_share(text, question)) >= COPIED_SHARE
        and _own_words(text, question) < ECHO_OWN_WORDS
        and not _phrase_cover(text, groups)[1]
    ):
        findings["question_echo"] = f"answer to {question_id}: {echoed:.0%} of its words echo it"
    repeats, total = _repeated(text)
    if repeats >= 2 and repeats >= total * REPEATED_SHARE:
        findings["repetition"] = f"answer to {question_id}: {repeats} of {total} sentences repeated"
    return tuple(findings.items())


def _hits(stems: list[str], group: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where any alternative of one evidence-phrase group occurs among the answer's stems."""
    return matches(stems, point_needles(group))


def apply_caps(
    score: float,
    findings: dict[str, str],
    away: Away | None,
    *,
    longest_answer_words: int,
    any_evidence: bool,
    left_out: bool,
    lists_expected: bool,
    rules: list[RuleResult],
) -> float:
    """List every gaming rule in `rules` and return the capped score. `findings` are the answer rules that fired
    on some answer in scope; with `left_out`, those answers were already scored as not given (other answers in
    scope were honest), so their rules cap nothing. off_topic is judged here, on the answers that were scored."""
    findings = dict(findings)
    if (
        away is not None
        and not any_evidence
        and longest_answer_words >= OFF_TOPIC_MIN_WORDS
        and ("not_english" not in findings or left_out)  # the model cannot tell what such an answer is about
    ):
        examples = "" if away.examples is None else f", to the closest reference or example answer {away.examples:.2f}"
        findings["off_topic"] = f"similarity to the question {away.question:.2f}{examples}, no rubric point"
    for rule, cap in CAPS.items():
        fired = rule in findings
        if fired and left_out and rule != "off_topic":
            detail = f"{RULE_NAMES[rule]}: {findings[rule]}; that answer is left out, as if not given"
            rules.append(RuleResult(rule=rule, fired=True, detail=detail, points=0.0))
            continue
        points = min(0.0, cap - score) if fired else 0.0
        score += points
        detail = f"{RULE_NAMES[rule]}: " + (findings[rule] + f"; capped at {cap:g}" if fired else "no")
        if not fired and lists_expected and rule in LIST_RULES:
            detail += " (the strong answer is made of the rubric's points: an answer made of them is no trick here)"
        rules.append(RuleResult(rule=rule, fired=fired, detail=detail, points=round_half_up(points, 2)))
    return score


def what_lowered(criterion: CriterionScore) -> list[tuple[str, str]]:
    """The rules that took points from this criterion, as (label, detail) for beside its level (so that a low level
    next to a close example answer explains itself): "Capped" for a gaming rule, "Lowered" for fillers or a
    must-show point not found."""
    return [("Capped" if r.rule in CAPS else "Lowered", r.detail) for r in criterion.rules if r.fired and r.points < 0]
