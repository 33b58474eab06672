"""Language-model latency and caching, per reachable provider.

Always measures the localhost stand-in (tests/llm_server.py, OpenAI and Ollama formats: the app's own
overhead); add a real endpoint with --openai-base-url/--openai-model or --ollama-base-url/--ollama-model.
Prints follow-up latency, rating latency, and the cache hit rate when the same answers are rated again
(target 100 %: re-finalizing asks the model nothing).

    .venv/bin/python bench/llm.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.db import Database
from interviewer.llm.followup import FollowUpAsker
from interviewer.llm.http_providers import HttpChatProvider, Ollama, OpenAICompatible
from interviewer.llm.ratings import RatingService
from interviewer.scoring import AnswerForScoring
from interviewer.templates import example_template
from tests.helpers import ANSWER_1, ANSWER_2
from tests.llm_server import FakeLLM


async def measure(provider: HttpChatProvider, rounds: int, count_requests: FakeLLM | None) -> None:
    content = example_template()
    criteria = [c.model_copy(update={"llm_weight": 0.5}) for c in content.criteria]
    asker = FollowUpAsker(provider, timeout_s=30)
    follow_ups = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        await asker.propose(content.questions[0], ANSWER_1, criteria)
        follow_ups.append(time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.create_tables()
        ratings = RatingService(db, provider, timeout_s=60)
        answers = [
            AnswerForScoring(question_id=q.id, text=f"{ANSWER_1} {ANSWER_2} ({i})")
            for i, q in enumerate(content.questions)
        ]
        questions = {q.id: q.text for q in content.questions}
        t0 = time.perf_counter()
        first = await ratings.rate(1, questions, answers, criteria)
        first_s = time.perf_counter() - t0
        before = len(count_requests.requests) if count_requests else 0
        t0 = time.perf_counter()
        again = await ratings.rate(1, questions, answers, criteria)
        again_s = time.perf_counter() - t0
        asked_again = (len(count_requests.requests) - before) if count_requests else 0
        db.dispose()
    hits = sum(a == b for a, b in zip(first, again, strict=False)) / max(1, len(first))
    print(
        f"{provider.name:<7} {provider.model:<14} follow-up median {statistics.median(follow_ups) * 1000:7.1f} ms | "
        f"{len(first)} ratings {first_s * 1000:7.1f} ms ({first_s / max(1, len(first)) * 1000:6.1f} ms each) | "
        f"re-rate {again_s * 1000:6.1f} ms, cache hits {hits:.0%}"
        + (f", requests on re-rate: {asked_again}" if count_requests else "")
    )
    await provider.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--openai-base-url")
    parser.add_argument("--openai-model", default="gpt-4o-mini")
    parser.add_argument("--ollama-base-url")
    parser.add_argument("--ollama-model", default="llama3.2")
    args = parser.parse_args()
    with FakeLLM() as fake:
        await measure(OpenAICompatible(f"http://127.0.0.1:{fake.port}/v1", "stand-in", 2), args.rounds, fake)
        await measure(Ollama(f"http://127.0.0.1:{fake.port}", "stand-in", 2), args.rounds, fake)
    if args.openai_base_url:
        await measure(OpenAICompatible(args.openai_base_url, args.openai_model, 2), args.rounds, None)
    if args.ollama_base_url:
        await measure(Ollama(args.ollama_base_url, args.ollama_model, 2), args.rounds, None)


if __name__ == "__main__":
    asyncio.run(main())
