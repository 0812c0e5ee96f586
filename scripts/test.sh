#!/usr/bin/env bash
# The whole test suite: lint, editorial check, unit + end-to-end + browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
echo "== ruff"; python3 -m ruff check builder tests bench
echo "== fangzhi check"; python3 -m builder check > /dev/null
echo "== pytest"; python3 -m pytest -q -p no:cacheprovider "$@"
