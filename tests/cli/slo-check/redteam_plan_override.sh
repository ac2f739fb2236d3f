#!/usr/bin/env bash
# Red team (slo-check, outside attacker who sets the pipeline's arguments but not the policy):
# --count, --interval and --window override the policy's [measurement] plan and [source] window
# with no floor, and the evidence does not say the plan was weakened (promote reads only the
# decision). The policy below takes 3 measurements 1 s apart with failure_limit 0; a canary that is
# healthy on the first query and fails 50% afterwards is denied by the policy's plan (exit 1) and
# ALLOWed with --count 1 (exit 0). --window 30d likewise dilutes a fresh error burst with a month
# of the selector's history. docs/security.md's rule elsewhere: overrides only tighten.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fake Prometheus"
# DEFECT: remove this line once a flag can only tighten the policy's plan (more measurements, no
# shorter interval than asked, ...) or a weakening is refused. Input: the policy below, --count 1,
# against a Prometheus whose first answer is healthy.
skip "defect: --count 1 overrides the policy's 3-measurement plan (DENY becomes ALLOW)"

printf 'version = 1\n[measurement]\ncount = 3\ninterval = "1s"\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"
# Healthy on the first query after each start, 50% errors afterwards.
cat >"$TMP/prometheus.py" <<'PY'
import http.server, json, sys
answered = [0]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/reset"):
            answered[0] = 0
            body = b"{}"
        else:
            answered[0] += 1
            errors = "0" if answered[0] == 1 else "500"
            body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"code": "200"}, "value": [1700000000, "500"]},
                {"metric": {"code": "503"}, "value": [1700000000, errors]}]}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
port=$(free_port $((39150 + RANDOM % 40))) || exit 1
python3 "$TMP/prometheus.py" "$port" >"$TMP/prometheus.out" 2>&1 &
SLO_PIDS+=($!)
wait_http "http://127.0.0.1:$port/reset" 10 || exit 1

curl -s -o /dev/null "http://127.0.0.1:$port/reset"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1
expect_rc 1 "the policy's plan catches the failing canary"

curl -s -o /dev/null "http://127.0.0.1:$port/reset"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1 --count 1
[ "$rc" != 0 ] || fail "--count 1 against the policy's count = 3: exit 0 (ALLOW) for a canary failing 2 of 3"

finish
