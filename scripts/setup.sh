#!/usr/bin/env bash
# Install everything Fangzhi needs on a fresh Debian machine (idempotent).
#   bash scripts/setup.sh          a project virtual environment in .venv/ with the site build
#   bash scripts/setup.sh --test   + test tools, Debian's Chromium for the browser tests and axe-core
#                                  (npm, pinned in tests/js/package-lock.json) for the accessibility test
#
# Debian's own Python is "externally managed" (PEP 668): nothing is installed into it. Everything
# goes into .venv/, made with the first python3 on PATH (python3-venv is installed when missing).
# Afterwards: . .venv/bin/activate   (or call .venv/bin/fangzhi directly)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

PY="${FANGZHI_PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install python3-venv "python${ver}-venv" || apt_install python3-venv
  fi
  "$PY" -m venv .venv
fi
VPY=.venv/bin/python
pip_install() {  # pip, without the warnings of a machine-wide index setting that does not apply here
  "$VPY" -m pip install -q "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
stamp=.venv/.fangzhi-installed
want="$(cat pyproject.toml)${1:-}"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  pip_install --upgrade pip >/dev/null
  if [ "${1:-}" = "--test" ]; then
    pip_install -e '.[test]'
  else
    pip_install -e .
  fi
  printf '%s' "$want" > "$stamp"
fi
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
# axe-core for tests/test_a11y.py: from npm, the version the lock file pins (the site build itself
# needs no network and no node)
AXE_VERSION=$(sed -n 's/.*"axe-core": "\([0-9.]*\)".*/\1/p' tests/js/package.json)
if [ "${1:-}" = "--test" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  have=$(sed -n 's/^  "version": "\([0-9.]*\)".*/\1/p' tests/js/node_modules/axe-core/package.json 2>/dev/null || true)
  if [ "$have" != "$AXE_VERSION" ]; then
    npm ci --prefix tests/js --no-audit --no-fund --silent
  fi
fi
