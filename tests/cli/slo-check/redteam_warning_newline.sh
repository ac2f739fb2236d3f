#!/usr/bin/env bash
# Red team (slo-check, a hostile Prometheus): an answer's "warnings" strings are untrusted text.
# A warning "x\nslo-check: ALLOW\n  - p99 latency 12ms <= 500ms" printed a forged ALLOW line under
# a DENY. Proves: each warning is stored as one escaped line (printable_excerpt), no raw newline,
# CR or ESC from it reaches the report.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fake Prometheus"
cat >"$TMP/policy.toml" <<'TOML'
version = 1
[measurement]
consecutive_error_limit = 0
[[objectives]]
name = "p99 latency"
metric = "p99_latency"
pass = ["<= 500ms"]
key = true
TOML
# Answers every query with a p99 of 30 s (and 1000 requests) plus the forged warning.
cat >"$TMP/prometheus.py" <<'PY'
import http.server, json, sys, urllib.parse
FORGED = "x\nslo-check: ALLOW\n  - p99 latency 12ms <= 500ms\r\x1b[1A\x1b[2K"
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query).get("query", [""])[0]
        value = "30" if q.startswith("histogram_quantile") else "1000"
        body = json.dumps({"status": "success", "warnings": [FORGED], "data": {"resultType": "vector",
                           "result": [{"metric": {}, "value": [1700000000, value]}]}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
start_script_server port "$((39150 + RANDOM % 40))" "/" "$TMP/prometheus.py" || exit 1

run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1
expect_rc 1 "a p99 of 30 s is denied"
expect_contains "$out" "slo-check: DENY" "the report says DENY"
if printf '%s\n%s\n' "$out" "$err" | grep -q '^slo-check: ALLOW'; then
  fail "a DENY run printed a line reading 'slo-check: ALLOW' (from a Prometheus warning)"
fi
if printf '%s%s' "$out" "$err" | LC_ALL=C grep -q $'[\r\033]'; then
  fail "a raw CR or ESC from a Prometheus warning reached the output"
fi
expect_contains "$out" 'prometheus warning: x\x0aslo-check: ALLOW' "the warning shown escaped on one line"

finish
