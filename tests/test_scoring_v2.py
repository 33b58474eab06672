"""Scoring v2 with the real sentence-embedding model: evidence by meaning, references, anchors, gaming rules,
determinism, and trying a rubric over the API."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from interviewer.embeddings import MODEL_SHA256, SentenceEmbedder
from interviewer.interview import SessionView
from interviewer.models import (
    Answer,
    CriterionSpec,
    InterviewSession,
    Invite,
    QuestionSpec,
    SessionStatus,
    Template,
    TemplateContent,
    utc_now,
)
from interviewer.report.pdf import render_pdf
from interviewer.scoring import AnswerForScoring, CriterionScore, RubricScorer
from interviewer.scoring.agreement import spearman, stuffed_answers
from interviewer.scoring.gaming import CAPS, what_lowered
from interviewer.scoring.language import other_language
from interviewer.scoring.spelling import one_edit_apart
from interviewer.templates import example_template
from tests.conftest import AppProcess, admin_headers
from tests.sample_report import sample_report

SCORER = RubricScorer(SentenceEmbedder())
QUESTION = "How would you make a slow API endpoint handle ten times more traffic?"
SCALING = CriterionSpec(
    id="c-scale",
    name="Scaling",
    evidence_phrases=[
        "cache the responses | caching",
        "add servers behind a load balancer",
        "profile to find the slow part",
    ],
    reference_answer="Measure where the time goes first. Cache what can be cached. Add servers behind a load balancer.",
    level_examples=[
        "I would ask the users to be patient.",
        "",
        "I would add a cache.",
        "",
        "I would profile it first, cache the hot results and run more servers behind a load balancer.",
    ],
    expected_words_min=20,
    expected_words_max=200,
)
CONTENT = TemplateContent(name="Scaling", questions=[QuestionSpec(id="q1", text=QUESTION)], criteria=[SCALING])
GOOD = (
    "First I would measure where the time goes with a profiler. Then we keep hot results in Redis so most requests "
    "never reach the database, and we run several copies of the service with traffic spread across them."
)
GAMED = {
    "keyword_list": "caching redis profiler load balancer servers database index replicas sharding",
    "rubric_paste": "cache the responses add servers behind a load balancer profile to find the slow part",
    "question_echo": "How would I make a slow API endpoint handle ten times more traffic? I would make the slow API "
    "endpoint handle ten times more traffic.",
    "repetition": " ".join(["We keep hot results in Redis."] * 8),
    "off_topic": "I really enjoy hiking in the mountains with my family on weekends, and my favourite food is pizza.",
    "not_english": "Zuerst würde ich messen, wo die Zeit verloren geht. Dann halte ich häufige Ergebnisse im Speicher "
    "und betreibe mehr Server hinter einem Load Balancer.",
}


def score(text: str, content: TemplateContent = CONTENT) -> CriterionScore:
    return SCORER.score([AnswerForScoring(question_id=content.questions[0].id, text=text)], content).criteria[0]


def fired(criterion: CriterionScore) -> set[str]:
    return {r.rule for r in criterion.rules if r.fired}


def test_a_rubric_point_is_found_by_meaning_and_quoted_with_its_similarity() -> None:
    meaning = score(GOOD)
    by_words = score(GOOD, CONTENT.model_copy(update={"scoring": "rules-v1"}))
    spans = [e for e in meaning.evidence if e.rule.startswith("evidence:") and e.similarity is not None]
    assert spans, meaning.evidence
    assert spans[0].shows().startswith("rubric point “")
    assert "”, by meaning (similarity 0." in spans[0].shows()
    assert all(GOOD[s.start : s.end] == s.text for s in spans)
    assert meaning.score > by_words.score + 1


def test_a_quote_keeps_the_signs_of_its_numbers() -> None:
    said = "$40 a month of extra servers behind a balancer took the traffic. Caching the responses took 90%"
    quotes = [e.text for e in score(said).evidence]
    assert "Caching the responses took 90%" in quotes  # not "… took 90": the reviewer reads what was said
    assert any(quote.startswith("$40") for quote in quotes), quotes
    assert all(said[e.start : e.end] == e.text for e in score(said).evidence)


def test_a_quote_does_not_stop_at_a_decimal_point_or_an_abbreviation() -> None:
    said = (
        "I profiled it to find which part was slow, e.g. the queries. "
        "More servers behind a balancer took 2.5 times the traffic."
    )
    quotes = [e.text for e in score(said).evidence if e.similarity is not None]
    assert "I profiled it to find which part was slow, e.g. the queries" in quotes, quotes
    assert "More servers behind a balancer took 2.5 times the traffic" in quotes, quotes  # not "… took 2"


@pytest.mark.parametrize(
    ("said", "quoted"),
    [
        ("I owned it. p95 fell from 2.1 s to 180 ms after I added the index.", "from 2.1 s to 180"),  # not "… to 1"
        ("I owned it. Errors went from 5% to 0.5% after I added the index.", "from 5% to 0.5%"),
        ("I owned it. Throughput went from 2k to 50k events per second.", "from 2k to 50k"),
    ],
)
def test_a_result_quote_keeps_its_whole_numbers(said: str, quoted: str) -> None:
    card = SCORER.score([AnswerForScoring(question_id="q-intro", text=said)], example_template())
    ownership = next(c for c in card.criteria if c.criterion_id == "c-ownership")
    assert [e.text for e in ownership.evidence if e.rule == "structure:result"] == [quoted]


def test_literal_matches_still_count() -> None:
    literal = score("Caching is what I would add first, in front of the database.").evidence
    span = next(e for e in literal if e.rule == "evidence:cache the responses" and e.similarity is None)
    assert span.shows() == "rubric point “cache the responses”, by its words"


def test_a_quoted_rubric_word_counts_by_its_words() -> None:
    quoted = score("I would add servers behind a 'load balancer' and keep it simple.").evidence
    assert any(e.rule == "evidence:add servers behind a load balancer" and e.similarity is None for e in quoted)


def test_a_misspelt_rubric_word_counts_and_the_evidence_feature_names_it() -> None:
    card = score("I would add servers behind a load balanser and keep it simple.")
    span = next(e for e in card.evidence if e.rule == "evidence:add servers behind a load balancer")
    assert span.similarity is None
    assert span.text == "add servers behind a load balanser"
    assert "misspelt: “balanser”" in next(r.detail for r in card.rules if r.rule == "evidence")
    vocabulary = next(r.detail for r in card.rules if r.rule == "vocabulary")  # the answer's words, in order
    assert "(add, servers, behind, load, balanser)" in vocabulary


def test_a_real_word_one_letter_from_a_rubric_word_is_not_read_as_it() -> None:
    card = score("I would catch the responses and keep it simple.")  # "catch" is a word, not "cache" misspelt
    assert not any(e.rule == "evidence:cache the responses" and e.similarity is None for e in card.evidence)
    assert "misspelt" not in next(r.detail for r in card.rules if r.rule == "evidence")


@pytest.mark.parametrize(
    ("point", "said", "found"),
    [
        ("load balancer", "I would add servers behind a loadbalancer.", "loadbalancer"),
        ("hardworking", "Rose is hard-working: she takes the late shift.", "hard-working"),
        ("database", "I would index the data base.", "data base"),
        ("notable", "I was not able to ship it.", None),  # "not" is a function word: no compound
        ("in order", "The steps are inorder.", None),
    ],
)
def test_a_compound_counts_by_its_words_written_open_or_closed(point: str, said: str, found: str | None) -> None:
    criterion = CriterionSpec(id="c", name="Point", evidence_phrases=[point])
    content = CONTENT.model_copy(update={"criteria": [criterion]})
    literal = [e.text for e in score(said, content).evidence if e.similarity is None]
    assert literal == ([found] if found else [])


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("enviroment", "environment", True),
        ("athlet", "athelet", True),
        ("recieve", "receive", True),
        ("balanser", "balancer", True),
        ("cach", "catch", True),
        ("diffrnt", "different", False),
        ("same", "same", False),
    ],
)
def test_one_edit_apart(a: str, b: str, apart: bool) -> None:
    assert one_edit_apart(a, b) is apart
    assert one_edit_apart(b, a) is apart


def test_the_closest_example_answer_is_reported() -> None:
    assert score(GOOD).closest_anchor == 5
    assert score("Honestly I would just tell the users to be patient and wait for it.").closest_anchor == 1


def test_no_example_is_called_closest_when_none_is_close() -> None:
    far = score("We migrated the billing reports to a new spreadsheet template last spring.")
    assert far.closest_anchor is None
    assert any(r.rule == "anchors" and "no example answer is close" in r.detail for r in far.rules)


@pytest.mark.parametrize("rule", sorted(GAMED))
def test_a_gamed_answer_scores_low_and_names_its_rule(rule: str) -> None:
    gamed, genuine = score(GAMED[rule]), score(GOOD)
    assert rule in fired(gamed)
    assert gamed.score <= 1.0 < genuine.score
    assert next(r for r in gamed.rules if r.rule == rule).points <= 0


def test_a_spoken_answer_with_okay_and_yeah_between_its_sentences_is_no_repetition() -> None:
    said = "Okay. So first I'd profile it. Okay. Then I'd add an index. Okay. And then caching. Yeah. Yeah."
    assert "repetition" not in fired(score(said))
    assert "repetition" not in fired(score("I'd add a cache. Thank you. I'd add an index. Thank you. Thank you."))
    assert "repetition" in fired(score("Okay. I'd cache it. Okay. I'd cache it. Yeah. I'd cache it."))


def test_a_gamed_answer_beside_honest_ones_is_left_out_not_the_whole_criterion_capped() -> None:
    two_questions = CONTENT.model_copy(
        update={"questions": [QuestionSpec(id="q1", text=QUESTION), QuestionSpec(id="q2", text="What would you add?")]}
    )
    honest = AnswerForScoring(question_id="q1", text=GOOD)
    keywords = AnswerForScoring(question_id="q2", text=GAMED["keyword_list"])
    both = SCORER.score([honest, keywords], two_questions).criteria[0]
    skipped = SCORER.score([honest, AnswerForScoring(question_id="q2", text="")], two_questions).criteria[0]
    assert both.score == skipped.score > 1.0  # the keyword list earns what a question left blank does, no cap
    rule = next(r for r in both.rules if r.rule == "keyword_list")
    assert rule.fired
    assert "left out" in rule.detail
    assert "q2" in rule.detail
    assert all(e.question_id == "q1" for e in both.evidence)
    only_gamed = SCORER.score([keywords], two_questions).criteria[0]
    assert only_gamed.score <= 1.0  # every answer gamed: the cap applies


def test_one_answer_given_again_to_another_question_is_a_copy_and_counts_once() -> None:
    two_questions = CONTENT.model_copy(
        update={"questions": [QuestionSpec(id="q1", text=QUESTION), QuestionSpec(id="q2", text="What would you add?")]}
    )
    first = AnswerForScoring(question_id="q1", text=GOOD)
    again = AnswerForScoring(question_id="q2", text="As I said: " + GOOD)
    both = SCORER.score([first, again], two_questions).criteria[0]
    skipped = SCORER.score([first, AnswerForScoring(question_id="q2", text="")], two_questions).criteria[0]
    assert both.score == skipped.score  # the copy counts as q2 not answered
    rule = next(r for r in both.rules if r.rule == "copied_answer")
    assert rule.fired
    assert rule.detail.startswith("copied answer: answer to q2: 9")
    assert "of its words repeat the answer to q1" in rule.detail
    assert "left out, as if not given" in rule.detail
    only_q2 = two_questions.model_copy(update={"criteria": [SCALING.model_copy(update={"question_ids": ["q2"]})]})
    assert SCORER.score([first, again], only_q2).criteria[0].score <= 1.0  # nothing else answers q2: capped
    other = AnswerForScoring(question_id="q2", text="I would also add rate limits per customer and alerts on p95.")
    assert "copied_answer" not in fired(SCORER.score([first, other], two_questions).criteria[0])


def test_a_question_left_blank_counts_as_not_answered_and_never_beats_an_answer() -> None:
    two_questions = CONTENT.model_copy(
        update={"questions": [QuestionSpec(id="q1", text=QUESTION), QuestionSpec(id="q2", text="What would you add?")]}
    )
    first = AnswerForScoring(question_id="q1", text=GOOD)
    blank = SCORER.score([first, AnswerForScoring(question_id="q2", text="")], two_questions).criteria[0]
    brief = SCORER.score([first, AnswerForScoring(question_id="q2", text="Rate limits.")], two_questions).criteria[0]
    assert blank.score < brief.score
    assert next(r.detail for r in blank.rules if r.rule == "length").endswith("; not answered: q2")


POINTS = ["caching", "load balancer", "profiling", "database index", "read replicas"]
FIVE_POINTS = CONTENT.model_copy(update={"criteria": [SCALING.model_copy(update={"evidence_phrases": POINTS})]})
GLUED = {
    "joined by and": "I think caching and load balancer and profiling and database index and read replicas.",
    "a frame per point": "It is about caching. It is about load balancer. It is about profiling. It is about "
    "database index. It is about read replicas.",
    "after the question": f"{QUESTION} Caching, load balancer, profiling, database index, read replicas.",
}


@pytest.mark.parametrize("glued", sorted(GLUED))
def test_rubric_points_strung_together_with_glue_are_a_paste(glued: str) -> None:
    gamed = score(GLUED[glued], FIVE_POINTS)
    assert "rubric_paste" in fired(gamed)
    assert gamed.score <= 0.5


def test_an_honest_answer_that_names_every_point_is_no_paste() -> None:
    honest = score(
        "I would start with profiling to see where requests wait, add a database index for the slow lookup, put "
        "caching in front of the expensive reports, move reads to read replicas and run three copies behind a "
        "load balancer so one failing machine does not stop us.",
        FIVE_POINTS,
    )
    assert not fired(honest) & set(GAMED)
    assert honest.score > 3


def test_points_of_several_criteria_strung_together_are_a_paste_for_each_criterion_that_reads_them() -> None:
    example = example_template()  # three criteria read the first answer; "Ownership and impact" has 3 points
    question = example.questions[0].id
    glued = (
        "I think caching and database index and load balancer and profiling and queue and i led and postmortem "
        "and the result was."
    )
    terse = "I added a Redis cache and a database index, then I led the rollout. As a result latency improved by 40%."
    gamed = SCORER.score([AnswerForScoring(question_id=question, text=glued)], example)
    honest = SCORER.score([AnswerForScoring(question_id=question, text=terse)], example)
    assert all("rubric_paste" in fired(c) for c in gamed.criteria if c.score)  # Ownership's 3 points too
    assert gamed.total <= 10
    assert not any(fired(c) & set(GAMED) for c in honest.criteria)  # many points, and words of its own
    assert honest.total > 50


def test_the_rubric_pasted_with_typos_is_still_a_paste() -> None:
    example = example_template()
    for question in example.questions:
        forms = stuffed_answers(example, question.id)
        assert "cahce daatbase inedx" in forms[4]  # the last four are the first four with typos
        for form in forms:
            card = SCORER.score([AnswerForScoring(question_id=question.id, text=form)], example)
            assert card.total <= 10, (form, card.criteria)


def test_a_typo_one_letter_from_the_words_of_two_points_is_still_read_in_a_paste() -> None:
    """ "realte" is one letter from "relate" and from "really": the evidence reads it as the point it is typed in,
    and so must the paste rules (they read it as neither, and a typed paste of six points scored 3.7 of 5)."""
    lines = ["relate | in common", "could not read", "scholarship", "help Mr. Leonard", "hurdles", "shocked | really"]
    criterion = CriterionSpec(id="c", name="Effect on Paul", evidence_phrases=lines, expected_words_min=20)
    content = CONTENT.model_copy(update={"criteria": [criterion]})
    pasted = score(
        "I thnik realte and colud not read and scohlarship and help Mr. Lenoard and hudrles and shcoked.", content
    )
    assert "rubric_paste" in fired(pasted)
    assert pasted.score <= 0.5


METHODS = CriterionSpec(
    id="c-methods",
    name="Idempotent methods",
    evidence_phrases=["GET", "PUT", "DELETE", "HEAD", "OPTIONS"],
    evidence_needed=3,
    reference_answer="GET, PUT, DELETE, HEAD and OPTIONS.",
    expected_words_min=1,
    expected_words_max=30,
)
NAMING = TemplateContent(
    name="HTTP",
    questions=[QuestionSpec(id="q1", text="Which HTTP methods are idempotent?")],
    criteria=[METHODS],
)


def test_a_list_is_an_answer_where_the_strong_answer_is_a_list() -> None:
    listed = score("GET PUT DELETE HEAD OPTIONS", NAMING)
    assert not fired(listed) & set(GAMED)
    assert listed.score >= 3
    paste = next(r for r in listed.rules if r.rule == "rubric_paste")
    assert "an answer made of them is no trick here" in paste.detail
    prose = METHODS.model_copy(update={"reference_answer": "Repeating them leaves the server as one call would."})
    stuffed = score("GET PUT DELETE HEAD OPTIONS", NAMING.model_copy(update={"criteria": [prose]}))
    assert "rubric_paste" in fired(stuffed)  # the same list where the strong answer explains is a paste
    assert stuffed.score <= 0.5
    in_phrases = SCALING.model_copy(update={"must_show": ["measure where the time goes"]})
    assert SCALING.reference_answer.startswith("Measure where the time goes")  # prose in the rubric's own phrases
    keywords = score(GAMED["keyword_list"], CONTENT.model_copy(update={"criteria": [in_phrases]}))
    assert "keyword_list" in fired(keywords)  # is no list: the rules stay on


def test_two_rubric_points_and_not_a_word_more_are_a_paste() -> None:
    two = SCALING.model_copy(update={"evidence_phrases": ["cache the responses", "add servers"]})
    content = CONTENT.model_copy(update={"criteria": [two]})
    assert "rubric_paste" in fired(score("cache the responses add servers", content))
    assert "rubric_paste" not in fired(score("I would cache the responses and add servers.", content))


MEASURE_FIRST = SCALING.model_copy(update={"must_show": ["measure where the time goes | profile it"]})
MUST_SHOW = CONTENT.model_copy(update={"criteria": [MEASURE_FIRST]})
UNMEASURED = "We keep hot results in Redis and run several copies of the service behind a load balancer."


def test_a_must_show_point_missing_halves_the_score_and_says_what_is_missing() -> None:
    without, plain = score(UNMEASURED, MUST_SHOW), score(UNMEASURED)
    rule = next(r for r in without.rules if r.rule == "must_show")
    assert rule.fired
    assert "“measure where the time goes”" in rule.detail
    assert without.score < plain.score * 0.6
    assert ("Lowered", rule.detail) in what_lowered(without)
    shown = score(GOOD, MUST_SHOW)  # "measure where the time goes with a profiler": found by its words
    assert not next(r for r in shown.rules if r.rule == "must_show").fired
    assert shown.score > without.score + 1.5
    assert "must_show" not in {r.rule for r in score(GOOD).rules}  # listed only where the rubric has such points


def test_a_capped_criterion_says_so_beside_its_level_in_the_pdf() -> None:
    gamed = SCORER.score([AnswerForScoring(question_id="q1", text=GAMED["keyword_list"])], CONTENT)
    pdf = render_pdf(sample_report().model_copy(update={"scores": gamed}))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())
    assert "Capped: keyword list: answer to q1" in text
    first_page = " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    assert "Rules fired: keyword list — see the criteria below" in first_page  # beside the total it caps
    honest = " ".join(PdfReader(BytesIO(render_pdf(sample_report()))).pages[0].extract_text().split())
    assert "Rules fired" not in honest


def test_an_answer_in_another_language_asks_for_a_person_instead_of_being_called_a_keyword_list() -> None:
    card = score(GAMED["not_english"])
    detail = next(r.detail for r in card.rules if r.rule == "not_english")
    assert "answer to q1 is in another language (" in detail
    assert "scoring v2 reads English only, ask a person" in detail
    assert fired(card) & {"keyword_list", "off_topic"} == set()  # what the English rules would misread it as
    assert "keyword_list" in fired(score(GAMED["keyword_list"]))  # an English keyword list is still one


def test_an_answer_in_another_language_beside_an_off_topic_one_keeps_off_topic_firing() -> None:
    two_questions = CONTENT.model_copy(
        update={"questions": [QuestionSpec(id="q1", text=QUESTION), QuestionSpec(id="q2", text="What would you add?")]}
    )
    german = AnswerForScoring(question_id="q1", text=GAMED["not_english"])
    off_topic = AnswerForScoring(question_id="q2", text=GAMED["off_topic"])
    card = SCORER.score([german, off_topic], two_questions).criteria[0]
    assert "left out" in next(r.detail for r in card.rules if r.rule == "not_english")
    assert "off_topic" in fired(card)  # the English answer that was scored is still off the question


@pytest.mark.parametrize(
    "text",
    [
        "В моей прошлой компании я переписал сервис заказов и добавил кэш, и задержка упала с 800 до 150 мс.",
        "Dans mon dernier poste, j'ai ajouté un cache et un index sur la table des commandes pour le service.",
    ],
)
def test_other_scripts_and_languages_read_as_not_english(text: str) -> None:
    assert other_language(text) is not None


def test_a_genuine_answer_fires_no_gaming_rule() -> None:
    assert not fired(score(GOOD)) & set(GAMED)
    assert {r.rule for r in score(GOOD).rules} >= set(GAMED)  # every rule is listed, fired or not


def test_the_issue_example_shows_ownership_and_impact() -> None:
    text = (
        "At my previous company our checkout API was slow. My task was to cut p95 latency. I profiled the service, "
        "found an N+1 query, added an index and a cache, and we cut p95 from 900 ms to 120 ms. The result was a 4% "
        "higher conversion."
    )
    content = example_template()
    card = SCORER.score([AnswerForScoring(question_id="q-intro", text=text)], content)
    ownership = next(c for c in card.criteria if c.criterion_id == "c-ownership")
    assert ownership.score >= 3.5, ownership.rules


def test_a_strong_story_barely_like_its_open_question_is_not_off_topic() -> None:
    story = (  # 0.08 similar to "Tell me about a backend system you built or improved", 0.75 to the level 5 example
        "At Acme our search API timed out under Black Friday load. I owned the fix: I profiled it with py-spy, found "
        "an unbounded query, added a composite index and cached the facet counts in Redis. p95 fell from 2.1 s to "
        "180 ms, timeouts went to zero, and support tickets dropped by a third that quarter."
    )
    card = SCORER.score([AnswerForScoring(question_id="q-intro", text=story)], example_template())
    communication = next(c for c in card.criteria if c.criterion_id == "c-communication")  # a criterion without points
    assert "off_topic" not in fired(communication), communication.rules
    assert communication.score > 3
    relevance = next(r.detail for r in communication.rules if r.rule == "relevance")
    assert relevance.startswith("similarity to the question: 0.08, to the rubric's reference and example answers: 0.7")


def test_an_answer_that_shows_another_criterions_point_is_not_off_topic_for_a_criterion_without_points() -> None:
    story = "At Acme our search API timed out. I profiled it, added an index and cached the facet counts in Redis."
    bare = {"reference_answer": "", "level_examples": ["", "", "", "", ""]}  # only the points tell what is on topic
    plain = example_template()
    plain = plain.model_copy(update={"criteria": [c.model_copy(update=bare) for c in plain.criteria]})
    card = SCORER.score([AnswerForScoring(question_id="q-intro", text=story)], plain)
    assert not any("off_topic" in fired(c) for c in card.criteria), card.criteria  # Technical depth's points show
    weather = "The weather today is nice and sunny, and I took my dog for a long walk in the park this morning."
    card = SCORER.score([AnswerForScoring(question_id="q-intro", text=weather)], plain)
    assert all("off_topic" in fired(c) for c in card.criteria)


def test_an_answer_off_its_open_question_and_unlike_the_rubric_examples_is_off_topic() -> None:
    weather = "The weather today is nice and sunny, and I took my dog for a long walk in the park this morning."
    card = SCORER.score([AnswerForScoring(question_id="q-intro", text=weather)], example_template())
    assert all("off_topic" in fired(c) for c in card.criteria), card.criteria
    detail = next(r.detail for r in card.criteria[0].rules if r.rule == "off_topic")
    assert detail.startswith("off topic: similarity to the question 0.0")
    assert ", to the closest reference or example answer 0.1" in detail


def test_the_same_answers_give_the_same_card_bytes_with_a_fresh_model() -> None:
    answers = [AnswerForScoring(question_id="q1", text=GOOD)]
    first = SCORER.score(answers, CONTENT).model_dump_json()
    again = RubricScorer(SentenceEmbedder()).score(answers, CONTENT).model_dump_json()
    assert first == again
    card = SCORER.score(answers, CONTENT)
    assert card.scoring_version == "meaning-v2"
    assert card.model is not None
    assert MODEL_SHA256 in card.model


def test_templates_saved_before_v2_keep_rules_v1() -> None:
    stored = Template(family_id="f", name="old", content=CONTENT.model_dump(exclude={"scoring"}))
    assert stored.parsed().scoring == "rules-v1"
    assert TemplateContent.model_validate(CONTENT.model_dump()).scoring == "meaning-v2"


def test_an_admin_tries_a_rubric_over_the_api_and_nothing_is_stored(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family = client.post("/api/templates", json=CONTENT.model_dump(), headers=admin_headers()).json()["family_id"]
        request = {
            "template_family_id": family,
            "items": [{"answers": [{"question_id": "q1", "text": text}]} for text in (GOOD, GAMED["keyword_list"])],
        }
        scored = client.post("/api/score", json=request, headers=admin_headers())
        unknown = client.post(
            "/api/score",
            json={**request, "items": [{"answers": [{"question_id": "nope", "text": "x"}]}]},
            headers=admin_headers(),
        )
        too_many = client.post("/api/score", json={**request, "items": request["items"] * 251}, headers=admin_headers())
        anonymous = client.post("/api/score", json=request)
        sessions = client.get("/api/sessions", headers=admin_headers()).json()
    assert scored.status_code == 200, scored.text
    good, gamed = scored.json()["items"]
    assert good["scoring_version"] == "meaning-v2"
    assert good["total"] > gamed["total"]
    assert "keyword_list" in {r["rule"] for r in gamed["criteria"][0]["rules"] if r["fired"]}
    assert unknown.status_code == 422
    assert "nope" in unknown.text
    assert too_many.status_code == 422
    assert anonymous.status_code == 401
    assert sessions == []


def test_an_admin_checks_a_rubric_against_answers_the_team_graded_over_the_api(app_process: AppProcess) -> None:
    graded = [
        {"grade": 2, "text": GOOD},
        {
            "grade": 2,
            "text": "Profile it to find the slow part, cache the responses, add servers behind a load balancer.",
        },
        {"grade": 1, "text": "I would add a cache."},
        {"grade": 1, "text": "Run more servers behind a load balancer."},
        {"grade": 0, "text": GAMED["off_topic"]},
        {"grade": 0, "text": "I would ask the users to be patient."},
    ]
    with app_process.client() as client:
        family = client.post("/api/templates", json=CONTENT.model_dump(), headers=admin_headers()).json()["family_id"]
        request = {"template_family_id": family, "question_id": "q1", "answers": graded}
        checked = client.post("/api/score/agreement", json=request, headers=admin_headers())
        one_grade = client.post(
            "/api/score/agreement",
            json={**request, "answers": [{**a, "grade": 1} for a in graded]},
            headers=admin_headers(),
        )
        too_few = client.post("/api/score/agreement", json={**request, "answers": graded[:4]}, headers=admin_headers())
        anonymous = client.post("/api/score/agreement", json=request)
        sessions = client.get("/api/sessions", headers=admin_headers()).json()
    assert checked.status_code == 200, checked.text
    report = checked.json()
    assert report["answers"] == 6
    assert report["grades"] == {"0": 2, "1": 2, "2": 2}
    assert report["qwk_by_rank"] >= 0.8
    assert set(report["stuffing"]) == {"answer", "score", "top_grade_median", "below"}
    assert one_grade.status_code == 422
    assert "same grade" in one_grade.text
    assert too_few.status_code == 422
    assert anonymous.status_code == 401
    assert sessions == []


def test_a_texts_vectors_do_not_depend_on_the_other_texts_of_its_batch() -> None:
    alone = SentenceEmbedder().token_states([GOOD])[0]
    batched = SentenceEmbedder().token_states(["x", GOOD, GAMED["off_topic"] * 10])[1]
    assert (alone.vectors == batched.vectors).all()
    assert (SentenceEmbedder().embed([GOOD])[0] == alone.whole()).all()


def test_honest_interview_answers_fire_no_capping_rule_and_rank_like_their_levels() -> None:
    written = json.loads((Path(__file__).parent / "data" / "interview_answers.json").read_text())["answers"]
    content = example_template()
    levels, scores = [], []
    for answer in written:
        card = SCORER.score([AnswerForScoring(question_id=answer["question_id"], text=answer["text"])], content)
        capped = [(c.name, r.detail) for c in card.criteria for r in c.rules if r.fired and r.rule in CAPS]
        assert capped == [], answer["text"]
        judged = "c-technical" if answer["question_id"] == "q-scale" else "c-ownership"
        levels.append(answer["level"])
        scores.append(next(c.score for c in card.criteria if c.criterion_id == judged))
    assert spearman(scores, levels) >= 0.8  # 0.90 when written


@pytest.mark.parametrize(
    ("status", "scored"),
    [
        (SessionStatus.IN_PROGRESS, [("q-intro", "answered"), ("q-incident", "")]),  # q-scale is being asked
        (SessionStatus.FINISHED, [("q-intro", "answered"), ("q-incident", ""), ("q-scale", "")]),
    ],
)
def test_questions_passed_without_an_answer_are_scored_as_blank(
    status: SessionStatus, scored: list[tuple[str, str]]
) -> None:
    content = example_template()
    view = SessionView(
        InterviewSession(id="s", invite_id=1, template_id=1, status=status, current_index=2),
        Template(id=1, family_id="f", name=content.name, content=content.model_dump()),
        content,
        Invite(id=1, token_hash="h", template_family_id="f", candidate_name="C", expires_at=utc_now()),
        {"q-intro": Answer(session_id="s", question_id="q-intro", text="answered")},
    )
    assert [(a.question_id, a.text) for a in view.answers_for_scoring()] == scored
