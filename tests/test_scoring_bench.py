"""The agreement bench scores prompts it was not written for: another data folder, another rubric file (how the
acceptance check runs it). The answers and grades here are made up for the test; the figures are not a measure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bench import scoring_agreement

QUESTION = "Why do we see the lightning before we hear the thunder? Explain using what you know about speed."
ANSWERS = [  # (human grade 0–2, answer)
    (
        2,
        "Light travels much faster than sound, so the flash reaches our eyes almost at once while the sound of the "
        "thunder needs a few seconds to cover the same distance.",
    ),
    (
        2,
        "Because the speed of light is about a million times the speed of sound. Both start at the same moment, but "
        "the sound arrives later.",
    ),
    (2, "The light moves very fast and reaches us right away, but sound is slow in air, so the thunder comes after."),
    (1, "Light is faster than sound."),
    (1, "The light gets to us first because it is quicker."),
    (1, "Sound is slow so the thunder comes later."),
    (0, "Thunder is very loud and can scare dogs and little kids."),
    (0, "Lightning is electricity in the clouds and it is dangerous to stand under a tree."),
    (0, "I do not know."),
]
RUBRIC = {
    "name": "Lightning and thunder",
    "questions": [{"id": "q1"}],
    "criteria": [
        {
            "id": "c1",
            "name": "Speed of light and sound",
            "description": "Light is faster than sound, so the flash arrives before the thunder.",
            "levels": [
                "No reason about speed.",
                "A reason that is not about speed.",
                "Says light is faster, or sound is slower, without linking it to the delay.",
                "Both speeds compared, the delay only implied.",
                "Light is much faster than sound, so the flash arrives first and the thunder later.",
            ],
            "evidence_phrases": ["light travels faster | speed of light", "sound travels slower | speed of sound"],
            "expected_words_min": 10,
            "expected_words_max": 60,
        }
    ],
}


@pytest.fixture
def other_prompts(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder laid out like asap-sas-dev/ (no baselines, no rater pairs) and a rubric file for it."""
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "prompts.json").write_text(json.dumps({"101": {"question": QUESTION, "score_max": 2}}), encoding="utf-8")
    with (folder / "answers.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "essay_set", "human_score", "answer_text"])
        writer.writerows((i, "101", grade, text) for i, (grade, text) in enumerate(ANSWERS))
    rubrics = tmp_path / "rubrics.json"
    rubrics.write_text(json.dumps({"101": RUBRIC}), encoding="utf-8")
    return folder, rubrics


def test_bench_scores_another_folder_with_its_own_rubrics(
    other_prompts: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, rubrics = other_prompts
    scoring_agreement.main(
        ["--asap", str(folder), "--rubrics", str(rubrics), "--sets", "asap", "--engines", "v2 rubric-only"]
    )
    out = capsys.readouterr().out
    qwk_row = next(line for line in out.splitlines() if line.startswith("ASAP 101"))
    assert float(qwk_row.split()[3]) >= 0.6  # the made-up answers are far apart
    stuffed, glued, typed = [line for line in out.splitlines() if line.startswith("ASAP 101") and "vs" in line]
    assert "10 vs" in stuffed
    assert "✓" in stuffed
    assert "✗" in glued  # two points glued into a sentence read as a terse right answer (README: limits)
    assert "✗" in typed  # the same, with typos
    assert "One round of “Check against graded answers”" in out  # on held-out answers; no bow column here: "–"


def test_bench_takes_a_template_as_the_apps_api_returns_it(
    other_prompts: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, rubrics = other_prompts
    from_app = {
        "id": 7,
        "family_id": "a1b2c3d4",
        "version": 2,
        "content": {**RUBRIC, "questions": [{"id": "q1", "text": "Why?"}]},
    }
    exported = rubrics.with_name("from_app.json")
    exported.write_text(json.dumps({"101": from_app}), encoding="utf-8")
    for rubric_file in (rubrics, exported):
        scoring_agreement.main(
            ["--asap", str(folder), "--rubrics", str(rubric_file), "--sets", "asap", "--engines", "v2 rubric-only"]
        )
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("ASAP 101")]
    assert rows[: len(rows) // 2] == rows[len(rows) // 2 :]  # the same rubric, the same figures (QWK, ρ, gaming)


def test_bench_names_a_set_without_a_rubric(other_prompts: tuple[Path, Path]) -> None:
    folder, rubrics = other_prompts
    with pytest.raises(SystemExit):
        scoring_agreement.main(["--asap", str(folder), "--rubrics", str(rubrics), "--sets", "102"])
