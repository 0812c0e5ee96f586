#!/usr/bin/env bash
# Install everything Fangzhi needs on a fresh machine (idempotent).
#   bash scripts/setup.sh          Python packages (the site build)
#   bash scripts/setup.sh --test   + test tools and Debian's Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--test" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  python3 -m pip install -q -e '.[test]'
else
  python3 -m pip install -q -e .
fi
