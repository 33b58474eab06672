"""Word timings → a mouth-shape timeline for the avatar.

Each word's time is split over its letter groups; each group maps to one of six visemes. This is an
approximation from spelling (good enough for a 2D face), not phonetics.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from interviewer.tts.base import WordTiming

CLOSED, OPEN, WIDE, ROUND, TEETH, REST = "closed", "open", "wide", "round", "teeth", "rest"
_GROUPS = [
    (re.compile(r"[mbp]+"), CLOSED),
    (re.compile(r"[fv]+"), TEETH),
    (re.compile(r"(?:oo|ou|ow|[ouwq])+"), ROUND),
    (re.compile(r"(?:ee|ea|[eiy])+"), WIDE),
    (re.compile(r"[ah]+"), OPEN),
    (re.compile(r"(?:th|[tdszcjkgnlrx])+"), TEETH),
]


class VisemeCue(BaseModel):
    start_ms: int
    end_ms: int
    viseme: str


def word_visemes(word: str) -> list[str]:
    """The mouth shapes of one word, in order (consecutive repeats merged)."""
    text, shapes, i = word.lower(), list[str](), 0
    while i < len(text):
        for pattern, viseme in _GROUPS:
            match = pattern.match(text, i)
            if match:
                if not shapes or shapes[-1] != viseme:
                    shapes.append(viseme)
                i = match.end()
                break
        else:
            i += 1
    return shapes or [OPEN]


def viseme_timeline(timings: list[WordTiming]) -> list[VisemeCue]:
    """Cues covering each word, with `rest` in the gaps between words."""
    cues: list[VisemeCue] = []
    cursor = 0
    for timing in timings:
        if timing.start_ms > cursor:
            cues.append(VisemeCue(start_ms=cursor, end_ms=timing.start_ms, viseme=REST))
        shapes = word_visemes(timing.word)
        span = max(1, timing.end_ms - timing.start_ms)
        for i, shape in enumerate(shapes):
            start = timing.start_ms + span * i // len(shapes)
            end = timing.start_ms + span * (i + 1) // len(shapes)
            cues.append(VisemeCue(start_ms=start, end_ms=end, viseme=shape))
        cursor = max(cursor, timing.end_ms)
    return cues
