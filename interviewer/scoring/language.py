"""Whether an answer is written in another language than English, the only one scoring v2 reads.

Its model, its vocabulary and its rules are English: a good answer in German reads to them as a keyword list (few
English function words) that is off the question (a similarity near 0). The gaming rules call such an answer
`not_english` instead, which says what happened and asks for a person.

An answer reads as another language when
- most of its letters are of another script than Latin (Cyrillic, Greek, Chinese, …; at least MIN_LETTERS), or
- it has MIN_WORDS words or more, under ENGLISH_SHARE of them are English function words (English prose has
  40–55 %, terse technical answers 20–30 %) and OTHER_SHARE or more are the function words of another common
  language written in Latin letters ("und", "les", "que", "het", "się", …). An English keyword list has neither, and
  stays a keyword list.
"""

from __future__ import annotations

import functools

from interviewer.scoring.text import FUNCTION_WORDS, function_word_share, words

MIN_LETTERS = 20
MIN_WORDS = 8
ENGLISH_SHARE = 0.12
OTHER_SHARE = 0.10
LATIN_END = 0x250  # Basic Latin, Latin-1 and Latin Extended-A/B
_OTHER_FUNCTION_WORDS_TEXT = """
der die das und ist nicht ich ein eine einen zu mit auf für von den dem des im sich es wir sie er war habe hat auch
als wie aber oder wenn dann noch nur bei nach aus mein meine meiner
le la les et est une un des du pas je nous vous il elle que qui dans pour avec sur au aux ce cette mais ou donc
était ai mon ma mes
el los las es una del en por para con se lo como pero mi yo su al era fue muy
il lo gli è di della che per non ho ero nella sono
os é um uma da em não eu na com foi
het een en niet ik je wij van op voor met dat er heb bij maar ook naar
och att det som på är av för jag inte har
na nie się że jest jak po ale od tak oraz dla przez mojej moja mój byłem był była jestem który która ze są
"""
OTHER_FUNCTION_WORDS = frozenset(_OTHER_FUNCTION_WORDS_TEXT.split()) - FUNCTION_WORDS
"""Function words of German, French, Spanish, Italian, Portuguese, Dutch, Swedish and Polish that English lacks (no
single letters: "O(n)" and "a/b" are English too)."""


@functools.lru_cache(maxsize=1024)
def other_language(text: str) -> str | None:
    """Why `text` reads as written in another language than English ("3 % English function words, 27 % of another
    language's"), or None when it reads as English (or is too short to tell)."""
    letters = [c for c in text if c.isalpha()]
    other_script = sum(ord(c) >= LATIN_END for c in letters)
    if len(letters) >= MIN_LETTERS and other_script * 2 > len(letters):
        return f"{other_script / len(letters):.0%} of its letters are not Latin"
    found = words(text)
    if len(found) < MIN_WORDS:
        return None
    english = function_word_share(text)
    other = sum(w in OTHER_FUNCTION_WORDS for w in found) / len(found)
    if english < ENGLISH_SHARE and other >= OTHER_SHARE:
        return f"{english:.0%} English function words, {other:.0%} of another language's"
    return None
