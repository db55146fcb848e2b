#!/usr/bin/env bash
# Schemathesis (from PyPI, pinned) against the service's own OpenAPI document: every documented
# endpoint exercised by a tool that does not share our assumptions. Installed once into the
# git-ignored .kafka/venv-tools/ (Python 3.11+ with venv and pip needed).
#   scripts/schemathesis.sh <server, e.g. http://127.0.0.1:3000> [extra st args...]
#   scripts/schemathesis.sh --install      (only install it, e.g. before starting the server)
# (the document is <server>/api/kafka/openapi.json; its paths carry the /api/kafka prefix)
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
VENV=$PWD/.kafka/venv-tools/schemathesis-$SCHEMATHESIS_VERSION
BASE_URL=${1:?usage: scripts/schemathesis.sh <server-url>|--install [schemathesis args...]}
shift

if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  # Compile once now, not during the first run's schema download.
  "$VENV/bin/st" --version >/dev/null
fi
[ "$BASE_URL" = "--install" ] && exit 0

# Its example cache (.schemathesis/, .hypothesis/) stays inside the git-ignored tool folder.
cd "$VENV"
# not_a_server_error: never a 5xx. The other checks hold the answers to the document (status codes,
# content types, bodies matching the schemas).
exec "$VENV/bin/st" run "$BASE_URL/api/kafka/openapi.json" --url "$BASE_URL" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" --workers 1 --no-color \
  --wait-for-schema 60 --request-timeout 30 "$@"
