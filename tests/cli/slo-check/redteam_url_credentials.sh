#!/usr/bin/env bash
# Red team (slo-check's record of its source): the summary's "targets" holds --metrics-url /
# --canary-url through redact_url(), as messages do: a URL's user:password (and query) never reaches
# the JSON output or the evidence record (a CI artifact others read), while the host and path stay.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fake /metrics endpoint"

printf 'http_requests_total{code="200"} 1000\n' >"$TMP/scrape.prom"
cat >"$TMP/serve.py" <<'PY'
import http.server, sys
data = open(sys.argv[2], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
start_script_server port "$((39150 + RANDOM % 40))" "/metrics" "$TMP/serve.py" "$TMP/scrape.prom" || exit 1
printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"
evidence init --evidence "$TMP/evidence.json" --subject "reg.example/app@sha256:$(printf '%064d' 1)" >/dev/null ||
  fail "evidence init"

run slo-check --metrics-url "http://dummyuser:dummypass@127.0.0.1:$port/metrics" --window 1s \
  --policy "$TMP/policy.toml" --evidence "$TMP/evidence.json" --format json
expect_rc 3 "no requests in the window: inconclusive"
expect_not_contains "$out$err" "dummypass" "password not in the output"
expect_not_contains "$(cat "$TMP/evidence.json")" "dummypass" "password not in the evidence"
expect_contains "$(cat "$TMP/evidence.json")" "\"target\": \"http://127.0.0.1:$port/metrics\"" "the redacted URL is recorded"

finish
