#!/usr/bin/env bash
# Red team (slo-check, hostile Prometheus answers): the canary comparison's range query is not
# checked against the points it asked for (sample_range / sample_step), and mann_whitney() builds
# every canary-baseline difference for the Hodges-Lehmann shift: n*m doubles, then a sort. Measured
# on HEAD: a ~1.6 MB matrix answer of 20000 points per role (the policy asked for 241) took 3.1 GB
# and 55 s (/usr/bin/time); 40000 points would need 12.8 GB. Even the 11000 points the policy
# allows cost ~1 GB.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fake Prometheus"
require_time
# Fixed: a range answer with more points per series than asked (range / step + 1, plus one) is
# refused (exit 2), and the Hodges-Lehmann shift is computed in O(n + m) memory (unit.slo-check).
cat >"$TMP/policy.toml" <<'TOML'
version = 1
[source]
prometheus_selector = 'track="{{ role }}"'
[measurement]
consecutive_error_limit = 0
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 1%"]
key = true
[canary]
sample_range = "1m"
sample_step = "15s"
TOML
cat >"$TMP/prometheus.py" <<'PY'
import http.server, json, sys
n = int(sys.argv[2])
instant = json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
    {"metric": {"code": "200"}, "value": [1700000000, "1000"]}]}}).encode()
matrix = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": [
    {"metric": {"code": "200"}, "values": [[1700000000 + i, str(1000 + i)] for i in range(n)]},
    {"metric": {"code": "500"}, "values": [[1700000000 + i, str(i % 7)] for i in range(n)]}]}}).encode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = matrix if "query_range" in self.path else instant
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
start_script_server port "$((39150 + RANDOM % 40))" "/" "$TMP/prometheus.py" 5000 || exit 1

run_peak_rss slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --canary-role c \
  --baseline-role b --attempts 1 --timeout 60s
[ "$peak_kb" -lt 102400 ] || fail "5000 range points per role (5 asked): peak RSS ${peak_kb} KB, over 100 MiB"
expect_rc 2 "an answer with more points than asked is refused"
expect_contains "$out" "answered 5000 points in one series; asked for at most 5" "the refusal says what was asked"

# An answer within what was asked is compared as before.
start_script_server port5 "$((39191 + RANDOM % 40))" "/" "$TMP/prometheus.py" 5 || exit 1
run slo-check --prometheus "http://127.0.0.1:$port5" --policy "$TMP/policy.toml" --canary-role c \
  --baseline-role b --attempts 1 --timeout 60s --format json
expect_rc 0 "5 points per role: compared"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[0].mann_whitney | "\(.samples_from) \(.canary_samples) \(.baseline_samples)"')" \
  "range query 5 5" "the range samples were used"

finish
