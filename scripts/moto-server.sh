#!/usr/bin/env bash
# A local AWS Secrets Manager (moto's server, from PyPI, pinned) for the tests that prove the
# functions read their Kafka credentials from Secrets Manager. Installed once into the git-ignored
# .kafka/venv-tools/ (Python 3.8+ with venv and pip needed).
#   scripts/moto-server.sh <port>
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_VERSION=5.2.5
VENV=$PWD/.kafka/venv-tools/moto-$MOTO_VERSION
PORT=${1:?usage: scripts/moto-server.sh <port>}

if [ ! -x "$VENV/bin/moto_server" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
exec "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT"
