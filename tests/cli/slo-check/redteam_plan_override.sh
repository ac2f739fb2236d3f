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
# Fixed: a --count below the policy's count, an --interval shorter than its interval or a --window
# shorter than its window (or [source] min_window) is exit 2 naming the policy's value.
printf 'version = 1\n[source]\nwindow = "30s"\n[measurement]\ncount = 3\ninterval = "1s"\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"
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
start_script_server port "$((39150 + RANDOM % 40))" "/reset" "$TMP/prometheus.py" || exit 1

curl -s -o /dev/null "http://127.0.0.1:$port/reset"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1
expect_rc 1 "the policy's plan catches the failing canary"

curl -s -o /dev/null "http://127.0.0.1:$port/reset"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1 --count 1
[ "$rc" != 0 ] || fail "--count 1 against the policy's count = 3: exit 0 (ALLOW) for a canary failing 2 of 3"
expect_rc 2 "--count below the policy's is refused"
expect_contains "$err" "--count 1 is below the policy's [measurement] count = 3" "the policy's count named"

run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1 --interval 500ms
expect_rc 2 "--interval shorter than the policy's"
expect_contains "$err" "[measurement] interval = 1s" "the policy's interval named"

run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1 --window 5s
expect_rc 2 "--window shorter than the policy's"
expect_contains "$err" "--window 5s is shorter than the policy allows (30s" "the policy's window named"

# Tightening is fine: more measurements over a longer window still catch the canary.
curl -s -o /dev/null "http://127.0.0.1:$port/reset"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1 --count 4 --window 1m
expect_rc 1 "a tighter plan from the pipeline runs"

# The policy may lower the floor explicitly.
printf 'version = 1\n[source]\nwindow = "30s"\nmin_window = "5s"\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/floor.toml"
curl -s -o /dev/null "http://127.0.0.1:$port/reset"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/floor.toml" --attempts 1 --window 5s
expect_rc 0 "--window down to min_window (healthy first answer)"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/floor.toml" --attempts 1 --window 4s
expect_rc 2 "--window below min_window"

finish
