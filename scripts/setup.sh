#!/usr/bin/env bash
# Install everything postcast needs on a Debian machine with Python 3.11+:
# system packages, a virtual environment with the project and its test tools,
# and the Node.js maths-to-speech engine. Safe to run again (it skips what is done).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

debian_packages="espeak-ng nodejs npm chromium fonts-dejavu-core"
missing=""
for pkg in $debian_packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
# A machine may carry node/npm from elsewhere: don't fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=$(echo "$missing" | sed -e 's/ nodejs//' -e 's/ npm//')
fi
if [ -n "${missing// /}" ]; then
  echo "Installing Debian packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

if [ -f package.json ]; then
  if [ -f package-lock.json ]; then npm ci --silent --no-audit --no-fund; else npm install --silent --no-audit --no-fund; fi
fi
echo "postcast is set up: .venv/bin/postcast --help"
