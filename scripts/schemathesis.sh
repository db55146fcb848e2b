#!/usr/bin/env bash
# Schemathesis (from PyPI, pinned) against the service's own OpenAPI document: every documented
# endpoint exercised by a tool that does not share our assumptions, in positive and negative modes
# (schema-valid requests must be accepted, schema-invalid ones refused). Installed once into the
# git-ignored .kafka/venv-tools/ (Python 3.11+ with venv and pip needed).
#   scripts/schemathesis.sh <server, e.g. http://127.0.0.1:3000> [extra st args...]
#   scripts/schemathesis.sh --install      (only install it, e.g. before starting the server)
# (the document is <server>/api/kafka/openapi.json; its paths carry the /api/kafka prefix)
#
# Its whole report (console output, JUnit, JSON, HAR) goes to $SCHEMATHESIS_REPORT_DIR (default
# test/artifacts/schemathesis/, git-ignored, replaced on each run); what this script prints is one
# line of ours with the figures and that path (and, on failure, which checks failed where), never
# schemathesis's own closing line: a CI log counts jest's tests, and a pytest-style "=== 1 warning
# in 31s ===" there reads as a test run that executed nothing.
#
# Credentials: each apiKey security scheme of the document gets the key its name says (operator or
# admin: ADMIN_API_KEY; game: GAME_API_KEY), through schemathesis's OpenAPI-aware auth, so every
# operation is sent the key of the scheme it declares and nothing else. The keys stay in the
# environment: the generated config names the variables, and the reports filter the header.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCHEMATHESIS_VERSION=4.32.5
VENV=$ROOT/.kafka/venv-tools/schemathesis-$SCHEMATHESIS_VERSION
BASE_URL=${1:?usage: scripts/schemathesis.sh <server-url>|--install [schemathesis args...]}
shift

if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  # Compile once now, not during the first run's schema download.
  "$VENV/bin/st" --version >/dev/null
fi
[ "$BASE_URL" = "--install" ] && exit 0

# The local defaults of serverless.yml; a deployed stage's keys come from the environment.
export ADMIN_API_KEY=${ADMIN_API_KEY:-local-admin-key-0123456789}
export GAME_API_KEY=${GAME_API_KEY:-local-game-key-0123456789}
SCHEMA_URL=$BASE_URL/api/kafka/openapi.json
REPORT_DIR=$(realpath -m "${SCHEMATHESIS_REPORT_DIR:-$ROOT/test/artifacts/schemathesis}")
rm -rf "$REPORT_DIR"
mkdir -p "$REPORT_DIR"
CONFIG=$REPORT_DIR/schemathesis.toml

# The config is derived from the served document, so a scheme added or renamed there is either
# mapped or refused with a message, never silently left without its key.
"$VENV/bin/python" - "$SCHEMA_URL" "$CONFIG" <<'PY'
import json, re, sys, time, urllib.request

url, out = sys.argv[1], sys.argv[2]
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            document = json.load(answer)
        break
    except Exception as error:  # the server may still be starting
        if time.monotonic() > deadline:
            sys.exit(f"schemathesis.sh: could not read {url}: {error}")
        time.sleep(1)

lines = []
for name, scheme in document.get("components", {}).get("securitySchemes", {}).items():
    if scheme.get("type") != "apiKey":
        sys.exit(f"schemathesis.sh: security scheme {name!r} is {scheme.get('type')!r}; only apiKey schemes are mapped to keys")
    # `apiKey` is the document's single admin scheme from before there was a game key.
    if re.search("operator|admin", name, re.I) or name == "apiKey":
        variable = "ADMIN_API_KEY"
    elif re.search("game", name, re.I):
        variable = "GAME_API_KEY"
    else:
        sys.exit(f"schemathesis.sh: which key does security scheme {name!r} take? Name it after its caller (operator/admin, game) or map it here")
    lines += [f"[auth.openapi.{json.dumps(name)}]", f'api_key = "${{{variable}}}"', ""]

# Every creation the fuzzer gets accepted is a real topic on the broker (deleted after the run by
# the test): fewer cases here than elsewhere, still both modes and every phase.
# Two rules no JSON Schema can state, answered with a 400 naming the problem: a topic creation the
# cluster refuses as asked (a replication factor above its broker count, a config it does not know),
# and a redrive range whose `from` is above its `to` (the document says both in words). For these
# two operations a 400 to a schema-valid request is accepted; every other check still holds there.
# (Hooks cannot filter the cases instead: they do not reach schemathesis's coverage phase.)
cluster_or_range = 'checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]'
lines += ["[[operations]]", 'include-path = "/api/kafka/topics/create"', "generation = { max-examples = 20 }", cluster_or_range, ""]
lines += ["[[operations]]", 'include-path = "/api/kafka/dlq/{topic}/redrive"', cluster_or_range, ""]
with open(out, "w") as config:
    config.write("\n".join(lines))
PY

# Its example cache (.schemathesis/, .hypothesis/) stays inside the git-ignored tool folder.
cd "$VENV"
# not_a_server_error: never a 5xx. The conformance checks hold the answers to the document (status
# codes, content types, bodies matching the schemas); positive_data_acceptance and
# negative_data_rejection hold the API to exactly what the document allows, no more and no less.
set +e
"$VENV/bin/st" --config-file "$CONFIG" run "$SCHEMA_URL" --url "$BASE_URL" \
  --mode all \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,positive_data_acceptance,negative_data_rejection \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}" --workers 1 --no-color \
  --wait-for-schema 60 --request-timeout 30 \
  --report junit,json,har --report-dir "$REPORT_DIR" \
  --report-junit-path "$REPORT_DIR/junit.xml" --report-json-path "$REPORT_DIR/report.json" \
  --report-har-path "$REPORT_DIR/har.json" \
  "$@" >"$REPORT_DIR/output.txt" 2>&1
CODE=$?
set -e

"$VENV/bin/python" - "$REPORT_DIR" "$CODE" "${ROOT}/" <<'PY'
import json, os, sys

report_dir, code, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
shown = report_dir[len(root):] if report_dir.startswith(root) else report_dir
path = os.path.join(report_dir, "report.json")
if not os.path.exists(path):
    print(f"schemathesis: no report (exit code {code}); its output: {shown}/output.txt")
    sys.exit(0)
with open(path) as file:
    report = json.load(file)
cases = report["test_cases"]
failed = cases["with_failures"]
errored = cases["errored"]
passed = cases["generated"] - failed - errored
ops = report["operations"]
print(
    f"schemathesis: {ops['tested']} of {ops['total']} operations, {cases['generated']} test cases generated, "
    f"{passed} passed, {failed} failed, {errored} errored, {report['running_time']:.0f} s, "
    f"seed {report['seed']}, exit code {code}; report: {shown}/ (output.txt, junit.xml, report.json, har.json)"
)
for failure in report.get("failures", []):
    print(f"schemathesis failure {failure['code']} {failure['title']} ×{failure['count']}: {', '.join(failure['operations'])}")
warned = {kind: len(items) for kind, items in report.get("warnings", {}).items() if items}
if warned:
    print(f"schemathesis warnings (details in output.txt): {', '.join(f'{kind} ×{count}' for kind, count in warned.items())}")
for error in report.get("errors", []):
    print(f"schemathesis error: {json.dumps(error)[:300]}")
PY
exit "$CODE"
