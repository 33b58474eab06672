"""Versioned prompt files (`prompts/<name>_v<N>.md`); a prompt's version is part of every cache key."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

PROMPT_DIR = Path(__file__).parent / "prompts"
FOLLOWUP_PROMPT = "followup_v1"
RATING_PROMPT = "rating_v1"


@cache
def _template(name: str) -> Template:
    return Template((PROMPT_DIR / f"{name}.md").read_text())


def render(prompt: str, /, **values: str) -> str:
    """The prompt file `prompt` with its `$placeholders` filled (values may contain any characters)."""
    return _template(prompt).substitute(values)
