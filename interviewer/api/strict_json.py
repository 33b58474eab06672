"""JSON as the API accepts it: what Python's parser reads, minus what no answer or database could hold."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "UnsafeJson", "encodable", "strict_loads"]

MAX_JSON_DEPTH = 32
"""Our documents nest a few levels (a template: criteria → levels → text); anything much deeper is hostile."""


class UnsafeJson(ValueError):
    """Parses as JSON in Python, but must be refused: NaN/Infinity, a lone surrogate, or deep nesting."""


def _refuse_constant(name: str) -> Any:
    raise UnsafeJson(f"{name} is not a JSON number")


def strict_loads(data: str | bytes) -> Any:
    """`json.loads` that raises `UnsafeJson` for values that parse but cannot be encoded again or stored.

    NaN and ±Infinity are not JSON (RFC 8259), and a lone surrogate ("\\ud800") is no Unicode text: a reply
    that echoes them cannot be written and the database refuses them. A document nested thousands deep
    exhausts the parser's recursion. Text that is no JSON at all raises `json.JSONDecodeError` as usual.
    """
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise UnsafeJson(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from error
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise UnsafeJson(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, str) and not encodable(item):
            raise UnsafeJson("JSON text with a lone surrogate (\\ud800–\\udfff) is not valid Unicode")
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return value


def encodable(text: str) -> bool:
    """True unless `text` holds a lone surrogate (which UTF-8 cannot encode)."""
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True
