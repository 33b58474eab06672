"""How well the scoring engines agree with human raters, how easily they are gamed, and how fast they are.

Data: `../shared/datasets/` beside the repository (see its README; nothing of it is copied into the repo):
ASAP short-answer sets 3, 4, 7, 8, 9 (human score 0–2, the contest's bag-of-words and length baselines) and
the Mohler/UNT computer-science set (81 questions, gold = the dataset's average of two graders, 0–5).

Rubrics: written by hand as an admin would, from the question, the official rubric text and the reading
passage (never from the graded answers), in `bench/rubrics/`. They hold only what we wrote: question texts,
the ASAP prompts and Mohler's reference answers are read from the data set at run time.
- `asap.json`: one TemplateContent per set, without the question text (taken from `prompts.json`).
- `mohler.json`: one criterion template shared by all questions plus, per question id, the evidence phrases
  (and `evidence_needed`); question text and reference answer come from `questions.csv`.

Engines, side by side in one run: (a) rules v1; (b) meaning v2, rubric only (no reference answer, no level
examples); (c) meaning v2 with the reference answer and level examples; (d) the contest's baselines
(ASAP: `kaggle_bow_benchmark`, `kaggle_length_benchmark`; Mohler has none, its "length" column ranks by
word count).

Metrics (`interviewer/scoring/agreement.py`, which the editor's "Check against graded answers" uses too), per set
(Mohler: per question, then the Fisher-z mean over questions):
- QWK by rank: sort the answers by engine score and hand out the human grade counts from the bottom (the
  lowest n0 answers get grade 0, the next n1 grade 1, …); answers with the same score all get the grade at
  the middle position of their tie block. Then quadratic weighted kappa against the human grade (Mohler:
  gold rounded half up to an integer 0–5).
- Spearman ρ (average ranks) and, for Mohler, Pearson r against the gold; plus Pearson over all Mohler
  answers pooled.
- Gaming: the keyword-stuffed "answer" (the first alternative of every evidence-phrase group, in a row), and
  the same phrases glued three ways (joined by "and", one "It is about …" sentence each, after the question;
  the highest-scoring of the three counts), and those four with the 3rd and 4th letters of every word of 5+ letters
  swapped ("cahce daatbase"; the best counts), each scored like an answer, against the median score of the
  answers humans gave full marks.
- One round of the editor's "Check against graded answers" (ASAP, with the v2 rubric-only engine): the words that
  the even-numbered answers with the top grade use and the rubric lacks (`missing_words`) are added as one evidence
  line, all of them, unread, as the least careful admin would; QWK by rank on the odd-numbered answers, which took
  no part, with the rubric as written, with the words, and bow's.
- answers/s per engine (answers scored one per item; v2 through `score_many` in batches of 500, one cold
  embedding cache per engine).

    .venv/bin/python bench/scoring_agreement.py [--limit N] [--sets 3,4,7,8,9,mohler] [--markdown] [--worst K]

Other prompts (the acceptance check): write a rubric per prompt in the format of `bench/rubrics/asap.json` (keys
are the prompts' `essay_set` numbers; a template written in the app's editor works too, as the app's API returns
it: `{"5": {"id": …, "family_id": …, "version": …, "content": {…}}, …}`; the question's text always comes from
`prompts.json`) and point the bench at a folder laid out like `asap-sas-dev/`
(`answers.csv` with id, essay_set, human_score, answer_text; `prompts.json` with each set's question and
score_max; the baseline columns and `rater_pairs.csv` are optional):

    .venv/bin/python bench/scoring_agreement.py --asap DIR --rubrics FILE --sets asap
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.embeddings import SentenceEmbedder
from interviewer.models import TemplateContent
from interviewer.scoring import AnswerForScoring, RubricScorer, ScoreCard
from interviewer.scoring.agreement import (
    GradedAnswer,
    grade_by_rank,
    missing_words,
    pearson,
    qwk,
    qwk_by_rank,
    spearman,
    stuffed_answers,
)

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
RUBRICS = Path(__file__).resolve().parent / "rubrics"
BATCH = 500  # items per score_many call, as POST /api/score takes
ENGINES = ("v1", "v2 rubric-only", "v2 + references")
BASELINE_COLUMNS = {"bow": "kaggle_bow_benchmark", "length": "kaggle_length_benchmark"}  # in answers.csv
BASELINES = tuple(BASELINE_COLUMNS)
COLUMNS = (*ENGINES, *BASELINES)

ScoreFn = Callable[[list[str], TemplateContent], list[float]]


# ---------------------------------------------------------------- metrics


def fisher_mean(values: Sequence[float]) -> float:
    """Mean of correlations/kappas through Fisher's z (values clipped to ±0.999); NaNs left out."""
    kept = [v for v in values if not math.isnan(v)]
    if not kept:
        return math.nan
    return math.tanh(statistics.fmean(math.atanh(max(-0.999, min(0.999, v))) for v in kept))


def round_half_up(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- data and rubrics


@dataclass
class Item:
    """One question with its rubric and its human-graded answers."""

    key: str  # "3" … "9", or a Mohler question id "1.1"
    content: TemplateContent
    texts: list[str]
    human: list[int]  # integer grade (ASAP 0–2; Mohler gold rounded, 0–5)
    gold: list[float]  # ASAP: = human; Mohler: average of the graders, 0–5
    full_marks: float  # the grade that counts as full marks
    baselines: dict[str, list[float]] = field(default_factory=dict)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_asap(folder: Path, rubric_file: Path, sets: Sequence[str], limit: int | None) -> list[Item]:
    """One item per set of `sets`: the rubric of `rubric_file` (question text from the folder's `prompts.json`)
    and the set's answers in `answers.csv`, with whichever contest baselines that file has."""
    prompts = json.loads((folder / "prompts.json").read_text(encoding="utf-8"))
    rubrics = json.loads(rubric_file.read_text(encoding="utf-8"))
    rows = read_csv(folder / "answers.csv")
    items = []
    for key in sets:
        rubric = rubric_content(rubrics[key])
        questions = [{**q, "text": prompts[key]["question"]} for q in rubric["questions"]]
        content = TemplateContent.model_validate({**rubric, "questions": questions})
        mine = [r for r in rows if r["essay_set"] == key][:limit]
        human = [int(r["human_score"]) for r in mine]
        items.append(
            Item(
                key=key,
                content=content,
                texts=[r["answer_text"] for r in mine],
                human=human,
                gold=[float(h) for h in human],
                full_marks=float(prompts[key]["score_max"]),
                baselines={
                    name: [float(r[column]) for r in mine]
                    for name, column in BASELINE_COLUMNS.items()
                    if mine and column in mine[0]
                },
            )
        )
    return items


def rubric_content(value: dict[str, Any]) -> dict[str, Any]:
    """A rubric file's entry: a template's content, or a template as the app's API returns it (its `content`)."""
    content = value.get("content", value)
    assert isinstance(content, dict)
    return content


def mohler_question_id(key: str) -> str:
    """A question id the template accepts ("1.1" → "q1-1")."""
    return "q" + key.replace(".", "-")


def load_mohler(datasets: Path, limit: int | None) -> list[Item]:
    """One item per used question, in data-set order; `limit` keeps whole questions up to that many answers."""
    folder = datasets / "mohler-unt-cs"
    rubric = json.loads((RUBRICS / "mohler.json").read_text(encoding="utf-8"))
    questions = {q["question_id"]: q for q in read_csv(folder / "questions.csv")}
    answers = [r for r in read_csv(folder / "answers.csv") if r["excluded_in_mohler2011"] == "False"]
    by_question: dict[str, list[dict[str, str]]] = {}
    for row in answers:
        by_question.setdefault(row["question_id"], []).append(row)
    items: list[Item] = []
    taken = 0
    for key, rows in by_question.items():
        if limit is not None and taken >= limit:
            break
        taken += len(rows)
        question = questions[key]
        mine = rubric["questions"][key]
        qid = mohler_question_id(key)
        criterion = {
            **rubric["criterion"],
            "id": "c" + qid[1:],
            "evidence_phrases": mine["evidence_phrases"],
            "evidence_needed": mine.get("evidence_needed"),
            "reference_answer": question["reference_answer"],
            "level_examples": mine.get("level_examples", [""] * 5),
            "question_ids": [qid],
        }
        content = TemplateContent.model_validate(
            {
                "name": f"Mohler {key}",
                "role": rubric["role"],
                "questions": [{"id": qid, "text": question["question"]}],
                "criteria": [criterion],
            }
        )
        gold = [float(r["score_avg_0to5"]) for r in rows]
        items.append(
            Item(
                key=key,
                content=content,
                texts=[r["student_answer"] for r in rows],
                human=[round_half_up(g) for g in gold],
                gold=gold,
                full_marks=5.0,
                baselines={"length": [float(len(r["student_answer"].split())) for r in rows]},
            )
        )
    return items


def check_rubrics(rubric_file: Path, prompts: dict[str, object]) -> None:
    """Every rubric validates as TemplateContent (question text filled with a placeholder) and names a prompt of
    the data set; so does every Mohler rubric."""
    rubrics = json.loads(rubric_file.read_text(encoding="utf-8"))
    for key, value in rubrics.items():
        if key not in prompts:
            raise SystemExit(f"{rubric_file}: set {key} is not in the data set's prompts.json")
        rubric = rubric_content(value)
        questions = [{**q, "text": "placeholder question"} for q in rubric["questions"]]
        TemplateContent.model_validate({**rubric, "questions": questions})
    mohler = json.loads((RUBRICS / "mohler.json").read_text(encoding="utf-8"))
    for key, mine in mohler["questions"].items():
        qid = mohler_question_id(key)
        TemplateContent.model_validate(
            {
                "name": key,
                "questions": [{"id": qid, "text": "placeholder question"}],
                "criteria": [{**mohler["criterion"], **mine, "id": "c" + qid[1:], "question_ids": [qid]}],
            }
        )


# ---------------------------------------------------------------- engines


def variant(content: TemplateContent, engine: str) -> TemplateContent:
    """The template as an engine sees it: v1; v2 without references and examples; v2 as written."""
    if engine == "v1":
        return content.model_copy(update={"scoring": "rules-v1"})
    if engine == "v2 rubric-only":
        criteria = [c.model_copy(update={"reference_answer": "", "level_examples": [""] * 5}) for c in content.criteria]
        return content.model_copy(update={"scoring": "meaning-v2", "criteria": criteria})
    return content.model_copy(update={"scoring": "meaning-v2"})


def answers_for(text: str, content: TemplateContent) -> list[AnswerForScoring]:
    return [AnswerForScoring(question_id=content.questions[0].id, text=text)]


EMBEDDER: Callable[[], SentenceEmbedder] = SentenceEmbedder  # bench/larger_model.py runs another model


def engine(name: str) -> ScoreFn:
    """A scorer with its own (cold) embedding cache; every engine goes through `RubricScorer.score_many`, in
    batches as `POST /api/score` takes them. The template variant picks the engine (see `variant`)."""
    embedder = EMBEDDER()
    if name != "v1":
        embedder.load()  # not timed: the app loads the model once at start
    scorer = RubricScorer(embedder)

    def score(texts: list[str], content: TemplateContent) -> list[float]:
        totals: list[float] = []
        for start in range(0, len(texts), BATCH):
            items = [answers_for(t, content) for t in texts[start : start + BATCH]]
            cards: list[ScoreCard] = scorer.score_many(items, content)
            totals.extend(card.total for card in cards)
        return totals

    return score


# ---------------------------------------------------------------- running


@dataclass
class Result:
    """Per item and column: engine scores (0–100 for engines), plus timing and gaming per engine."""

    scores: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # item key → column → scores
    seconds: dict[str, float] = field(default_factory=dict)
    scored: dict[str, int] = field(default_factory=dict)
    stuffed: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # item → engine → score per stuffing
    source: str = ""  # the code that scored: commit, and whether interviewer/ had uncommitted changes


def run(items: list[Item], engines: dict[str, ScoreFn], result: Result, progress: bool) -> None:
    for item in items:
        columns = result.scores.setdefault(item.key, {})
        columns.update(item.baselines)
        for name, score in engines.items():
            content = variant(item.content, name)
            t0 = time.perf_counter()
            columns[name] = score(item.texts, content)
            result.seconds[name] = result.seconds.get(name, 0.0) + time.perf_counter() - t0
            result.scored[name] = result.scored.get(name, 0) + len(item.texts)
            result.stuffed.setdefault(item.key, {})[name] = score(
                stuffed_answers(content, content.questions[0].id), content
            )
        if progress:
            print(f"  scored {item.key}: {len(item.texts)} answers", file=sys.stderr, flush=True)


def source() -> str:
    """The commit being measured, marked when the engine's files differ from it."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = git("status", "--porcelain", "--", "interviewer")
    return f"commit {git('rev-parse', '--short', 'HEAD')}" + (" + uncommitted changes in interviewer/" if dirty else "")


def fmt(value: float, digits: int = 3) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"


def gaming(
    items: list[Item], result: Result, engine: str, stuffings: slice
) -> tuple[int, int, list[tuple[str, float, float]]]:
    """(questions where the best of `stuffings` < median full-marks answer, questions with full-marks answers,
    per question)."""
    rows = []
    for item in items:
        if engine not in result.stuffed.get(item.key, {}):
            continue
        scores = result.scores[item.key][engine]
        full = [s for s, g in zip(scores, item.gold, strict=True) if g >= item.full_marks]
        if full:
            rows.append((item.key, max(result.stuffed[item.key][engine][stuffings]), statistics.median(full)))
    return sum(1 for _, s, m in rows if s < m), len(rows), rows


def table(asap: list[Item], mohler: list[Item], result: Result, engines: Sequence[str]) -> list[list[str]]:
    """Rows of the side-by-side table: set, n, then one cell per column."""
    present = [c for c in COLUMNS if c in engines or c in BASELINES]
    rows: list[list[str]] = []

    def cell(item: Item, column: str, metric: Callable[[list[float], Item], float]) -> float:
        scores = result.scores[item.key].get(column)
        return metric(scores, item) if scores is not None else math.nan

    def qwk_metric(scores: list[float], item: Item) -> float:
        return qwk_by_rank(scores, item.human)

    def spearman_metric(scores: list[float], item: Item) -> float:
        return spearman(scores, item.gold)

    def pearson_metric(scores: list[float], item: Item) -> float:
        return pearson(scores, item.gold)

    if asap:
        for title, metric in (("QWK by rank", qwk_metric), ("Spearman ρ", spearman_metric)):
            rows.append([f"**{title}**", "", *[""] * len(present)])
            for item in asap:
                rows.append([f"ASAP {item.key}", str(len(item.texts)), *[fmt(cell(item, c, metric)) for c in present]])
            rows.append(
                [
                    "ASAP mean (Fisher z)",
                    str(sum(len(i.texts) for i in asap)),
                    *[fmt(fisher_mean([cell(i, c, metric) for i in asap])) for c in present],
                ]
            )
    if mohler:
        n = str(sum(len(i.texts) for i in mohler))
        rows.append([f"**Mohler, {len(mohler)} questions (per question, Fisher-z mean)**", "", *[""] * len(present)])
        for title, metric in (
            ("QWK by rank", qwk_metric),
            ("Spearman ρ", spearman_metric),
            ("Pearson r", pearson_metric),
        ):
            cells = []
            for c in present:
                values = [cell(i, c, metric) for i in mohler]
                cells.append(fmt(fisher_mean(values)) if any(c in result.scores[i.key] for i in mohler) else "–")
            rows.append([f"Mohler {title}", n, *cells])
        pooled = []
        for c in present:
            if all(c in result.scores[i.key] for i in mohler):
                pooled.append(
                    fmt(
                        pearson(
                            [s for i in mohler for s in result.scores[i.key][c]], [g for i in mohler for g in i.gold]
                        )
                    )
                )
            else:
                pooled.append("–")
        rows.append(["Mohler Pearson r, pooled", n, *pooled])

    for title, stuffings in (
        ("stuffed answer (phrases in a row)", slice(0, 1)),
        ("the phrases glued (best of 3)", slice(1, 4)),
        ("the same four with a typo in every long word (best of 4)", slice(4, None)),
    ):
        rows.append([f"**Gaming: {title} vs median full-marks answer (0–100)**", "", *[""] * len(present)])
        for item in asap:
            cells = []
            for c in present:
                won, total, per = gaming([item], result, c, stuffings)
                cells.append(f"{per[0][1]:.0f} vs {per[0][2]:.0f} {'✓' if won else '✗'}" if per else "–")
            rows.append([f"ASAP {item.key}", "", *cells])
        if mohler:
            cells = []
            for c in present:
                won, total, _ = gaming(mohler, result, c, stuffings)
                cells.append(f"{won}/{total} below" if total else "–")
            rows.append(["Mohler: questions with it < median", "", *cells])
    cells = []
    for c in present:
        seconds = result.seconds.get(c)
        cells.append(f"{result.scored[c] / seconds:.0f}" if seconds else "–")
    rows.append(["**answers/s**", str(max(result.scored.values(), default=0)), *cells])
    return rows


def render(rows: list[list[str]], header: list[str], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    plain = [[c.replace("**", "") for c in r] for r in rows]
    widths = [max(len(r[i]) for r in [header, *plain]) for i in range(len(header))]
    out = []
    for r in [header, *plain]:
        out.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        )
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


def notes(asap: list[Item], mohler: list[Item], asap_folder: Path, datasets: Path) -> list[str]:
    """Reference figures computed from the same files: the contest baselines' own QWK and human–human agreement."""
    lines = []
    own = {
        b: [qwk([int(x) for x in i.baselines[b]], i.human) for i in asap]
        for b in BASELINES
        if asap and all(b in i.baselines for i in asap)
    }
    if own:
        lines.append(
            "Contest baselines, QWK of their own predictions (not by rank): "
            + ", ".join(
                f"{b} " + " / ".join(fmt(k) for k in kappas) + f" (mean {fmt(fisher_mean(kappas))})"
                for b, kappas in own.items()
            )
        )
    if asap and (asap_folder / "rater_pairs.csv").exists():
        pairs = read_csv(asap_folder / "rater_pairs.csv")
        human = []
        for i in asap:
            mine = [p for p in pairs if p["essay_set"] == i.key]
            human.append(qwk([int(p["score1"]) for p in mine], [int(p["score2"]) for p in mine]) if mine else math.nan)
        lines.append(
            "Human vs human (training answers, rater_pairs.csv): "
            + " / ".join(fmt(h) for h in human)
            + f" (mean {fmt(fisher_mean(human))})"
        )
    if mohler:
        agreement = json.loads((datasets / "mohler-unt-cs" / "agreement_computed.json").read_text(encoding="utf-8"))
        lines.append(
            "Mohler grader 1 vs grader 2 (agreement_computed.json): Pearson "
            f"{agreement['pearson_grader1_vs_grader2_0to5']}"
            f", QWK {agreement['qwk_assignments_1to10_0to5_int']['qwk']} (assignments 1–10); Mohler's length column"
            " ranks by word count."
        )
    return lines


def admin_round(items: list[Item], score: ScoreFn) -> list[list[str]]:
    """Rows of the one-round table (see the module's docstring): per ASAP set and their Fisher-z mean."""
    rows, kappas = [], []
    for item in items:
        content = variant(item.content, "v2 rubric-only")
        seen, held = range(0, len(item.texts), 2), range(1, len(item.texts), 2)
        graded = [GradedAnswer(text=item.texts[i], grade=item.human[i]) for i in seen]
        words = [w.word for w in missing_words(graded, content.questions[0], content.criteria)]
        first = content.criteria[0]
        phrases = [*first.evidence_phrases, " | ".join(words)] if words else first.evidence_phrases
        line = first.model_copy(update={"evidence_phrases": phrases})
        added = content.model_copy(update={"criteria": [line, *content.criteria[1:]]})
        texts, human = [item.texts[i] for i in held], [item.human[i] for i in held]
        figures = [
            qwk_by_rank(score(texts, content), human),
            qwk_by_rank(score(texts, added), human),
            qwk_by_rank([item.baselines["bow"][i] for i in held], human) if "bow" in item.baselines else math.nan,
        ]
        kappas.append(figures)
        rows.append([f"ASAP {item.key}", str(len(texts)), *map(fmt, figures), ", ".join(words)])
    means = [fmt(fisher_mean([k[column] for k in kappas])) for column in range(3)]
    return [*rows, ["ASAP mean (Fisher z)", str(sum(int(r[1]) for r in rows)), *means, ""]]


def worst(items: list[Item], result: Result, engine: str, k: int) -> None:
    """The k answers per item whose grade by rank is furthest from the human grade (to stdout, never to a file)."""
    for item in items:
        scores = result.scores[item.key].get(engine)
        if scores is None:
            continue
        grades = grade_by_rank(scores, item.human)
        gaps = sorted(range(len(scores)), key=lambda j: (-abs(int(grades[j]) - item.human[j]), -abs(scores[j] - 50)))
        print(f"\n## {engine}, {item.key}: answers furthest from the human grade")
        for j in gaps[:k]:
            text = item.texts[j].replace("\n", " ")
            print(f"- human {item.gold[j]:g}, engine {scores[j]:.1f} → grade {grades[j]}: {text[:300]}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="folder with asap-sas-dev/ and mohler-unt-cs/")
    parser.add_argument(
        "--asap",
        type=Path,
        help="folder with answers.csv and prompts.json of ASAP-style prompts (default: DATASETS/asap-sas-dev)",
    )
    parser.add_argument(
        "--rubrics", type=Path, default=RUBRICS / "asap.json", help="rubric per ASAP set, as in bench/rubrics/asap.json"
    )
    parser.add_argument(
        "--sets",
        default="asap,mohler",
        help="comma-separated: ASAP set numbers, 'asap' (every set of --rubrics) and/or 'mohler'",
    )
    parser.add_argument("--limit", type=int, default=None, help="answers per ASAP set (Mohler: whole questions)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for bench/RESULTS.md)")
    parser.add_argument("--worst", type=int, default=0, help="print the K answers per set furthest from humans")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of: " + ", ".join(ENGINES))
    parser.add_argument("--save", type=Path, help="also write the engine scores (numbers only) to this JSON file")
    parser.add_argument("--load", type=Path, help="print the table from a --save file instead of scoring again")
    args = parser.parse_args(argv)

    asap_folder = args.asap or args.datasets / "asap-sas-dev"
    prompts = json.loads((asap_folder / "prompts.json").read_text(encoding="utf-8"))
    check_rubrics(args.rubrics, prompts)
    written = list(json.loads(args.rubrics.read_text(encoding="utf-8")))
    chosen = [s.strip() for s in args.sets.split(",") if s.strip()]
    if "asap" in chosen:
        chosen += written
    unknown = set(chosen) - {*written, "asap", "mohler"}
    if unknown:
        parser.error(f"no rubric in {args.rubrics} for sets {sorted(unknown)}")
    asap = load_asap(asap_folder, args.rubrics, [s for s in written if s in chosen], args.limit)
    mohler = load_mohler(args.datasets, args.limit) if "mohler" in chosen else []

    wanted = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown_engines := set(wanted) - set(ENGINES):
        parser.error(f"unknown engines: {sorted(unknown_engines)}")
    if args.load:
        result = Result(**json.loads(args.load.read_text(encoding="utf-8")))
        wanted = [e for e in ENGINES if e in result.seconds]
        for item in asap + mohler:
            if any(len(v) != len(item.texts) for v in result.scores[item.key].values()):
                parser.error(f"{args.load} was made with other --sets/--limit")
    else:
        result = Result(source=source())
        run(asap + mohler, {name: engine(name) for name in wanted}, result, progress=not args.markdown)
    if args.save:
        args.save.write_text(json.dumps(dataclasses.asdict(result)), encoding="utf-8")

    header = ["set", "n", *[c for c in COLUMNS if c in wanted or c in BASELINES]]
    print(render(table(asap, mohler, result, wanted), header, args.markdown))
    print()
    scored_by = f"Scored by {result.source or 'an unrecorded version'}."
    for line in [scored_by, *notes(asap, mohler, asap_folder, args.datasets)]:
        print(f"- {line}" if args.markdown else line)
    if asap and "v2 rubric-only" in wanted and not args.load:
        print("\nOne round of “Check against graded answers”: words from the even-numbered answers, QWK on the odd")
        columns = ["set", "n", "v2 rubric-only", "+ the words as one line", "bow", "the words"]
        print(render(admin_round(asap, engine("v2 rubric-only")), columns, args.markdown))
    for name in wanted:
        if args.worst:
            worst(asap + mohler, result, name, args.worst)


if __name__ == "__main__":
    main()
