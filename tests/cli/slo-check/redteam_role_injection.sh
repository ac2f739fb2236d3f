#!/usr/bin/env bash
# Red team (slo-check, outside attacker who sets the pipeline's --canary-role input): the role
# value is pasted into the policy's PromQL selector unescaped ({{ role }} in
# prometheus_selector = 'job="api", track="{{ role }}"'). A role of
#   canary", code!~"5..
# makes the selector {job="api", track="canary", code!~"5.."}: every 5xx series is dropped and a
# canary failing half its requests reads 0% (checked with promtool test rules: 50% -> 0%). A role
# with '"}' rewrites the whole query (here: the canary's errors times 0 plus the whole job's
# traffic). A recording fake Prometheus shows the query slo-check sends.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fake Prometheus"
# Fixed: a --canary-role / --baseline-role outside [A-Za-z0-9_.:-] is exit 2 before any query, and
# a role is also escaped as a PromQL string body when substituted. Below: both role options.
cat >"$TMP/policy.toml" <<'TOML'
version = 1
[source]
prometheus_selector = 'job="api", track="{{ role }}"'
[measurement]
consecutive_error_limit = 0
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 1%"]
key = true
TOML
# Answers every query with 1000 healthy requests and writes each PromQL query to a log.
cat >"$TMP/recorder.py" <<'PY'
import http.server, json, sys, urllib.parse
log = open(sys.argv[2], "a")
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("query", [""])[0]
        log.write(q + "\n"); log.flush()
        body = json.dumps({"status": "success", "data": {"resultType": "vector",
               "result": [{"metric": {"code": "200"}, "value": [1700000000, "1000"]}]}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
start_script_server port "$((39100 + RANDOM % 50))" "/" "$TMP/recorder.py" "$TMP/queries.log" || exit 1

# A plain role value is sent as the policy says.
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --canary-role canary --attempts 1
expect_rc 0 "plain role"
expect_contains "$(cat "$TMP/queries.log")" 'http_requests_total{job="api", track="canary"}[30s]' "plain selector"

for role in 'canary", code!~"5..' \
  'canary"}[30s])) * 0 + sum by (status_code, code, status) (increase(http_requests_total{job="api' \
  'canary\'; do
  : >"$TMP/queries.log"
  run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --canary-role "$role" --attempts 1
  expect_rc 2 "role refused: $role"
  expect_contains "$err" "--canary-role: " "the error names the input: $role"
  expect_contains "$err" "not a plain label value" "the error says why: $role"
  expect_eq "$(wc -l <"$TMP/queries.log")" "0" "no query sent for a refused role: $role"
done

: >"$TMP/queries.log"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --canary-role canary \
  --baseline-role 'stable"}' --attempts 1
expect_rc 2 "baseline role refused"
expect_contains "$err" "--baseline-role: " "the error names the baseline input"
expect_eq "$(wc -l <"$TMP/queries.log")" "0" "no query sent for a refused baseline role"

finish
