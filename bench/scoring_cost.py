"""What scoring v2 costs on this machine, against rules v1 in the same run.

- Throughput of `POST /api/score` on a real app process (`python main.py`, default settings): the human-graded
  answers of ASAP set 3 (../shared/datasets, read at run time, never stored here), 100 items a call, with the
  bench's own rubric for that set: answers/s for meaning-v2 and for rules-v1.
- Live score panel: an admin's socket on a running interview of the example template; time from the candidate
  sending an answer to the admin's `score` message (the answer is saved, then scored), p50/p95 over the three
  questions × several interviews, with the model already warm.
- Memory: the app's resident memory with the model loaded and after scoring, and the model's own cost in a fresh
  interpreter (VmRSS, /proc).

    .venv/bin/python bench/scoring_cost.py [--items 600] [--interviews 10]
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import AppProcess, admin_headers  # noqa: E402  (the same real app process the tests start)
from tests.helpers import receive_until, reviewer_connect, start, ws_connect  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
ANSWER = (
    "At my previous company our checkout API was slow. My task was to cut p95 latency. I profiled the service, found "
    "an N+1 query, added an index and a cache, and we cut p95 from 900 ms to 120 ms. The result was 4% more sales."
)


MODEL_COST = """
import pathlib
def rss():
    lines = pathlib.Path('/proc/self/status').read_text().splitlines()
    return int(next(l for l in lines if l.startswith('VmRSS')).split()[1]) / 1024
from interviewer.embeddings import SentenceEmbedder
before = rss()
e = SentenceEmbedder().load()
e.token_states([f'answer {i} about pandas, koalas and pythons that eat bamboo and eucalyptus' for i in range(400)])
print(f'{before:.0f} {rss():.0f}')
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def asap_template(scoring: str) -> dict[str, Any]:
    prompts = json.loads((DATASETS / "asap-sas-dev" / "prompts.json").read_text())
    rubric = json.loads((ROOT / "bench" / "rubrics" / "asap.json").read_text())["3"]
    questions = [{**q, "text": prompts["3"]["question"]} for q in rubric["questions"]]
    return {**rubric, "questions": questions, "scoring": scoring}


def throughput(client: httpx.Client, texts: list[str], scoring: str, per_call: int) -> float:
    family = client.post("/api/templates", json=asap_template(scoring), headers=admin_headers()).json()["family_id"]
    question = asap_template(scoring)["questions"][0]["id"]
    began = time.perf_counter()
    for first in range(0, len(texts), per_call):
        items = [{"answers": [{"question_id": question, "text": t}]} for t in texts[first : first + per_call]]
        response = client.post(
            "/api/score", json={"template_family_id": family, "items": items}, headers=admin_headers(), timeout=300
        )
        response.raise_for_status()
    return len(texts) / (time.perf_counter() - began)


def live_latencies(app: AppProcess, client: httpx.Client, interviews: int) -> list[float]:
    family = client.get("/api/templates", headers=admin_headers()).json()[0]["family_id"]  # the example template
    seen: list[float] = []
    for _ in range(interviews):
        started = start(client, family)
        with (
            ws_connect(app, started["session_id"], started["ws_token"]) as candidate,
            reviewer_connect(app, started["session_id"]) as reviewer,
        ):
            receive_until(candidate, "state")
            receive_until(reviewer, "state")
            for question in started["questions"]:
                sent = time.perf_counter()
                candidate.send(json.dumps({"type": "answer", "question_id": question["id"], "text": ANSWER}))
                receive_until(reviewer, "score")
                seen.append(time.perf_counter() - sent)
                receive_until(candidate, "ack")
                candidate.send(json.dumps({"type": "next"}))
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=400, help="ASAP set 3 answers to score per engine")
    parser.add_argument("--per-call", type=int, default=100)
    parser.add_argument("--interviews", type=int, default=10, help="interviews of 3 answers each (p95 over 30 answers)")
    args = parser.parse_args()
    with (DATASETS / "asap-sas-dev" / "answers.csv").open(newline="") as handle:
        texts = [r["answer_text"] for r in csv.DictReader(handle) if r["essay_set"] == "3"][: args.items]
    with tempfile.TemporaryDirectory() as folder:
        app = AppProcess(Path(folder) / "storage").start()
        try:
            assert app.process is not None
            with app.client() as client:
                deadline = time.monotonic() + 60
                while client.get("/status").json()["scoring_model"] != "ready":
                    assert time.monotonic() < deadline, app.output()
                    time.sleep(0.2)
                loaded = rss_mb(app.process.pid)
                v1 = throughput(client, texts, "rules-v1", args.per_call)
                v2 = throughput(client, texts, "meaning-v2", args.per_call)
                after_scoring = rss_mb(app.process.pid)
                latencies = live_latencies(app, client, args.interviews)
        finally:
            app.stop()
    model_cost = subprocess.run(  # the model's own cost, in a fresh interpreter: RSS before and after loading it
        [sys.executable, "-c", MODEL_COST], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"POST /api/score, ASAP set 3, {len(texts)} answers, {args.per_call} per call:")
    print(f"  meaning-v2 {v2:7.1f} answers/s   rules-v1 {v1:7.1f} answers/s   (ratio {v2 / v1:.3f})")
    print(f"live score after the answer is sent ({len(latencies)} answers, example template, model warm):")
    print(f"  p50 {statistics.median(latencies) * 1000:.0f} ms   p95 {p95 * 1000:.0f} ms")
    print(f"app RSS: {loaded:.0f} MB with the model loaded, {after_scoring:.0f} MB after scoring")
    print(
        f"the model's own RSS: {float(model_cost[1]) - float(model_cost[0]):.0f} MB (fresh interpreter, "
        f"{model_cost[0]} → {model_cost[1]} MB, after embedding 400 answers)"
    )


if __name__ == "__main__":
    main()
