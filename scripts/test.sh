#!/usr/bin/env bash
# The whole test suite: lint, import contracts, editorial check, unit + end-to-end + browser tests.
# Installs what it needs first (.venv/, Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
PY=.venv/bin/python
echo "== ruff"; "$PY" -m ruff check builder tests bench
echo "== import contracts"; .venv/bin/lint-imports --no-cache
echo "== fangzhi check"; "$PY" -m builder check > /dev/null
echo "== pytest"; "$PY" -m pytest -q -p no:cacheprovider "$@"
