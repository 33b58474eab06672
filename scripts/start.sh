#!/usr/bin/env bash
# First command of the README: install, then start the app on embedded defaults (dev mode: SQLite under
# STORAGE_DIR, a generated session secret, LLM_PROVIDER=none). Prints the admin login on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [ ! -f .env ]; then
  printf '# Created by scripts/start.sh for a local trial; every setting is described in .env.sample.\nDEV_MODE=true\n' > .env
fi
exec .venv/bin/python main.py
