#!/usr/bin/env bash
# Build the whole site from source_texts/ into site/ (installs what it needs first).
#   bash scripts/build.sh            build site/
#   bash scripts/build.sh serve      build, then serve with live reload on http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = "serve" ]; then
  exec .venv/bin/python -m builder serve
fi
.venv/bin/python -m builder build
