#!/usr/bin/env bash
# moto's server (from PyPI, pinned): the local DynamoDB (scripts/dynamodb.ts) and the Secrets Manager
# stand-in of the tests that prove the functions read their Kafka credentials from a secret.
# Installed once into the git-ignored .kafka/venv-tools/ (Python 3.8+ with venv and pip needed).
#   scripts/moto-server.sh <port>
# scripts/moto-server.py serves requests one at a time and rolls cancelled transactions back item
# by item, as DynamoDB behaves (moto's own server does neither: see that file).
set -euo pipefail
cd "$(dirname "$0")/.."
MOTO_VERSION=5.2.5
VENV=$PWD/.kafka/venv-tools/moto-$MOTO_VERSION
PORT=${1:?usage: scripts/moto-server.sh <port>}

if [ ! -x "$VENV/bin/moto_server" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
export MOTO_PORT=$PORT
exec "$VENV/bin/python" scripts/moto-server.py "$PORT"
