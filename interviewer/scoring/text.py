"""Text pieces the v2 engine compares by meaning: sentences and clause-sized windows, with their offsets."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

WORD = re.compile(r"\w+(?:'\w+)*")  # "don't", "reader's"; not the quotes around 'Space Junk'
SUFFIXES = ("ing", "ed", "ly", "es", "s")
# A sentence ends at ! ? ; a line break or a full stop, but not at a full stop between a letter or digit and a
# lowercase letter or digit ("1.8 s", "Node.js", "v2.1"), nor after "e.g.", "i.e." or "vs.".
SENTENCE = re.compile(r"(?:[^.!?;\n]|(?<=\w)\.(?=[a-z0-9])|(?i:(?<=\be\.g|\bi\.e)|(?<=\bvs))\.)+")
CURRENCY_SIGNS = "$€£¥"
UNIT_SIGNS = "%‰°"
UNIT_MAX_WORDS = 20  # a longer sentence is compared in windows of WINDOW words, STRIDE apart
WINDOW = 12
STRIDE = 6
_FUNCTION_WORDS_TEXT = """
a an the and or but so because if then than that this these those there here it its it's is are was were be been
being am do does did done have has had having i me my mine we us our you your he him his she her they them their
what which who whom whose when where why how not no nor to of in on at by for with from into onto about as up down
out over under again further once all any both each few more most other some such only own same too very can could
will would shall should may might must just also well still yet even though although while whereas since until
unless after before during between through against above below off one i'm we're they're don't doesn't didn't
can't won't isn't aren't wasn't weren't i've we've i'd we'd would've
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


class Unit(NamedTuple):
    """A sentence or window of an answer: its text and character offsets."""

    start: int
    end: int
    text: str


@functools.lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The lowercased words of `text` (cached: answers are read by every criterion)."""
    return tuple(w.lower() for w in WORD.findall(text))


def units(text: str) -> list[Unit]:
    """Sentences of `text`; a sentence over UNIT_MAX_WORDS words becomes overlapping windows of WINDOW words."""
    found: list[Unit] = []
    for sentence in SENTENCE.finditer(text):
        spans = [(m.start(), m.end()) for m in WORD.finditer(text, sentence.start(), sentence.end())]
        if not spans:
            continue
        count = len(spans)
        if count <= UNIT_MAX_WORDS:
            windows = [(0, count)]
        else:
            windows = [(first, first + WINDOW) for first in range(0, count - WINDOW + 1, STRIDE)]
            if windows[-1][1] < count:
                windows.append((count - WINDOW, count))
        for first, stop in windows:
            start, end = spans[first][0], spans[stop - 1][1]
            found.append(Unit(start, end, text[start:end]))
    return found


def with_signs(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`, `end` of a span of `text` widened over the signs that belong to its first and last words: a currency
    sign just before ("$5") and a percent or degree sign just after ("40%", "90°"), so a quote keeps what was said."""
    while start > 0 and text[start - 1] in CURRENCY_SIGNS:
        start -= 1
    while end < len(text) and text[end] in UNIT_SIGNS:
        end += 1
    return start, end


def sentences(text: str) -> list[Unit]:
    """The sentences of `text` (see SENTENCE) that hold a word."""
    return [Unit(m.start(), m.end(), m.group().strip()) for m in SENTENCE.finditer(text) if WORD.search(m.group())]


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Strip one suffix of SUFFIXES, then a final "e" (keeping at least 3 letters)."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) >= 4 else word


@functools.lru_cache(maxsize=4096)
def stem_tokens(text: str, word: re.Pattern[str] = WORD) -> tuple[tuple[str, int, int], ...]:
    """(stem, start, end) of every `word` of `text`; cached, as rubric phrases and answers are matched many times."""
    return tuple((stem(m.group().lower()), m.start(), m.end()) for m in word.finditer(text))


def content_words(text: str) -> list[str]:
    """The content words of `text` in order, lowercased: no function words, no numbers, at least 3 letters."""
    return [w for w in words(text) if w not in FUNCTION_WORDS and len(w) > 2 and w.isalpha()]


@functools.lru_cache(maxsize=4096)
def content_stems(text: str) -> frozenset[str]:
    """The stems of the content words of `text`; cached: rubric texts repeat."""
    return frozenset(stem(w) for w in content_words(text))


@functools.lru_cache(maxsize=4096)
def function_word_share(text: str) -> float:
    """Share of the words that are function words (English prose has about 40–55 %)."""
    found = words(text)
    return sum(w in FUNCTION_WORDS for w in found) / len(found) if found else 0.0


@functools.lru_cache(maxsize=4096)
def covered_share(text: str, source: str, n: int = 3) -> float:
    """Share of the words of `text` that lie inside a run of `n` words also found in `source` (copied text)."""
    covered = copied(words(text), words(source), n)
    return sum(covered) / len(covered) if covered else 0.0


def copied(mine: Sequence[str], theirs: Sequence[str], n: int = 3) -> list[bool]:
    """For each item of `mine`: whether it lies inside a run of `n` items also found in a row in `theirs`."""
    grams = {tuple(theirs[i : i + n]) for i in range(len(theirs) - n + 1)}
    covered = [False] * len(mine)
    for i in range(len(mine) - n + 1):
        if tuple(mine[i : i + n]) in grams:
            covered[i : i + n] = [True] * n
    return covered
