#!/usr/bin/env bash
# Red team (slo-check, a release that drops or renames its status label, or serves no traffic in a
# burn window): the policy asks for burn-rate alerts, the error ratio of every window is unknown
# (http_requests_total has none of the status labels), and evaluate_burn_window() reports
# "1h/5m burn rate: no data" as not firing. Nothing makes it inconclusive, so the verdict rests on
# the other objectives alone: ALLOW (exit 0) with the error budget unmeasured. No data must never
# be healthy (docs/security.md, section 4; docs/slo-check.md, "Burn rate").
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fake Prometheus"
# Fixed: a burn-rate window without data makes the run INCONCLUSIVE (exit 3) naming the window.
cat >"$TMP/policy.toml" <<'TOML'
version = 1
[measurement]
consecutive_error_limit = 0
[[objectives]]
name = "p99 latency"
metric = "p99_latency"
pass = ["<= 500ms"]
key = true
[burn_rate]
target = 0.999
period = "30d"
TOML
# p99 100 ms; the requests query answers traffic without a status label.
cat >"$TMP/prometheus.py" <<'PY'
import http.server, json, sys, urllib.parse
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("query", [""])[0]
        value = "0.1" if q.startswith("histogram_quantile") else "1000"
        body = json.dumps({"status": "success", "data": {"resultType": "vector",
               "result": [{"metric": {}, "value": [1700000000, value]}]}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
start_script_server port "$((39150 + RANDOM % 40))" "/" "$TMP/prometheus.py" || exit 1

run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1
[ "$rc" != 0 ] || fail "burn rate without data in any window: exit 0 (ALLOW)"
expect_rc 3 "burn rate without data: inconclusive"
expect_contains "$out" "error budget not measured: 1h/5m burn rate: no data" "the window is named as the reason"
expect_contains "$out" "error budget not measured: 6h/30m burn rate: no data" "each window is named"

finish
