#!/usr/bin/env bash
# Second command of the README (and what CI runs): install everything incl. test tools, then lint,
# check formatting, type-check and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
.venv/bin/python -m pytest -q "$@"
