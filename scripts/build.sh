#!/usr/bin/env bash
# Build the whole site from source_texts/ into site/ (installs what it needs first, into .venv/).
#   bash scripts/build.sh            build site/ (open site/index.html, or serve it: see README)
#   bash scripts/build.sh serve      build, then serve it with live reload on http://127.0.0.1:8000/
#                                    (edits to source_texts/ and site_config/ show in the browser)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = "serve" ]; then
  exec .venv/bin/python -m builder serve
fi
.venv/bin/python -m builder build
