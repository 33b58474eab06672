"""Misspelt rubric words (scoring v2): a typed "enviroment" counts as the rubric's "environment".

An answer word is read as a rubric word when
- it has at least MIN_LETTERS letters and is no word of the embedding model's vocabulary (`known_words`, about
  22,000 English words: so "would" is never read as "could", nor "talking" as "taking"), and
- its stem is one edit (a letter added, dropped or changed, or two neighbours swapped) from the stem of exactly
  one word of the rubric's (several candidates: it is left as it is).
Deterministic: it depends on the word, the rubric's stems and the model's vocabulary only.

A compound counts however it is written (`written_forms`): the rubric's "hard worker" also as "hardworker", its
"database" also as "data base" or "data-base".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from interviewer.embeddings import known_words
from interviewer.scoring.text import FUNCTION_WORDS, WORD, content_words, stem, stem_tokens

MIN_LETTERS = 5
COMPOUND_LETTERS = 6  # a compound written closed has at least this many letters ("tool bag" → "toolbag")
COMPOUND_PART = 4  # letters, at least, of each part of a closed compound read open ("data base", not "car ing")


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter added, dropped or changed, or two neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differ) == 2 and differ[1] == differ[0] + 1:
            first, second = differ
            return a[first] == b[second] and a[second] == b[first]
        return len(differ) == 1
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(shorter == longer[:i] + longer[i + 1 :] for i in range(len(longer)))


@functools.lru_cache(maxsize=4096)
def written_forms(alternative: str) -> tuple[tuple[str, ...], ...]:
    """The stems of a rubric alternative as written, then as the same compound written the other way: two words
    closed ("hard worker" → "hardworker", from COMPOUND_LETTERS letters) or one word opened ("database" → "data
    base", where both parts are words of the model's vocabulary with COMPOUND_PART letters or more). A part that is
    a function word makes no compound: "not able" is not "notable", nor "in order" "inorder"."""
    tokens = WORD.findall(alternative.lower())
    forms = [tuple(stem(token) for token in tokens)]
    if len(tokens) == 2 and _compound(*tokens) and len(tokens[0] + tokens[1]) >= COMPOUND_LETTERS:
        forms.append((stem(tokens[0] + tokens[1]),))
    if len(tokens) == 1:
        word = tokens[0]
        parts = [(word[:cut], word[cut:]) for cut in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1)]
        forms += [(stem(a), stem(b)) for a, b in parts if _compound(a, b) and {a, b} <= known_words()]
    return tuple(forms)


def point_needles(group: Sequence[str]) -> list[list[str]]:
    """Every written form of every alternative of one rubric point, as stems to match (`rules_v1.matches`)."""
    return [list(form) for alternative in group for form in written_forms(alternative)]


@functools.lru_cache(maxsize=4096)
def point_stems(group: tuple[str, ...]) -> frozenset[str]:
    """The stems of one point's written forms: what an answer's misspellings are read against for that point."""
    return frozenset(part for needle in point_needles(group) for part in needle)


def _compound(first: str, second: str) -> bool:
    """Whether two words could be the parts of a compound: letters only, neither a function word."""
    return all(part.isalpha() and part not in FUNCTION_WORDS for part in (first, second))


@functools.lru_cache(maxsize=100_000)
def read_as(word: str, stems: frozenset[str]) -> str | None:
    """The rubric stem (of `stems`) that the lowercased `word` misspells, or None."""
    if not _unknown(word):
        return None
    own = stem(word)
    if own in stems:
        return None
    near = [s for s in stems if len(s) >= MIN_LETTERS - 1 and one_edit_apart(own, s)]
    return near[0] if len(near) == 1 else None


def stem_tokens_read(text: str, stems: frozenset[str]) -> tuple[tuple[tuple[str, int, int], ...], frozenset[int]]:
    """`text.stem_tokens(text)` with each misspelt rubric word given the rubric's stem, and the indices of those."""
    tokens = stem_tokens(text)
    meant = {index: found for index, word in _unknown_words(text) if (found := read_as(word, stems))}
    if not meant:
        return tokens, frozenset()
    read = tuple((meant.get(i, token[0]), token[1], token[2]) for i, token in enumerate(tokens))
    return read, frozenset(meant)


@functools.lru_cache(maxsize=4096)
def _unknown_words(text: str) -> tuple[tuple[int, str], ...]:
    """(index, lowercased word) of the words of `text` that could be misspellings (cached: read for every point)."""
    found = (match.group().lower() for match in WORD.finditer(text))
    return tuple((i, w) for i, w in enumerate(found) if _unknown(w))


def _unknown(word: str) -> bool:
    """Whether the lowercased `word` could be a misspelling: MIN_LETTERS letters or more, none of the model's words."""
    return len(word) >= MIN_LETTERS and word.isalpha() and word not in known_words()


def content_words_read(text: str, stems: frozenset[str]) -> list[tuple[str, str]]:
    """(word, stem) of the `content_words` of `text`, a misspelt rubric word with the rubric's stem."""
    return [(w, read_as(w, stems) or stem(w)) for w in content_words(text)]
