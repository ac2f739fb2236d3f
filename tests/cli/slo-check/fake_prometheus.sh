#!/usr/bin/env bash
# slo-check's Prometheus client against canned API answers: scalar and vector values, NaN
# (no data -> INCONCLUSIVE), an empty result with no_data = deny (DENY), and warnings.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fake Prometheus"

policy() { # policy NO_DATA: errors are not retried (consecutive_error_limit 0), to keep this fast
  printf 'version = 1\n[measurement]\nconsecutive_error_limit = 0\n[[objectives]]\nname = "queue depth"\nquery = "max(queue_depth)"\npass = ["< 100"]\nno_data = "%s"\n' "$1" >"$TMP/policy.toml"
}
serve() { # serve BODY -> sets URL
  printf '%s' "$1" >"$TMP/body-$2.json"
  local port
  port=$(free_port $((19700 + RANDOM % 250))) || exit 1
  start_fault canned "$port" --body "$TMP/body-$2.json" || exit 1
  URL="http://127.0.0.1:$port"
}

policy inconclusive
serve '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"42"]}]}}' vector
run slo-check --prometheus "$URL" --policy "$TMP/policy.toml" --format json
expect_rc 0 "vector value within the threshold"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[0].value')" "42" "vector value"

serve '{"status":"success","warnings":["results truncated"],"data":{"resultType":"scalar","result":[1700000000,"250"]}}' scalar
run slo-check --prometheus "$URL" --policy "$TMP/policy.toml" --format json
expect_rc 1 "scalar over the threshold"
expect_contains "$out" "queue depth 250 >= 100 (target, 1 of 1 measurement)" "scalar reason"
expect_contains "$out" "prometheus warning: results truncated" "warning kept"

serve '{"status":"success","data":{"resultType":"scalar","result":[1700000000,"NaN"]}}' nan
run slo-check --prometheus "$URL" --policy "$TMP/policy.toml"
expect_rc 3 "NaN is no data"
expect_contains "$out" "query returned NaN" "NaN reason"

policy deny
serve '{"status":"success","data":{"resultType":"vector","result":[]}}' empty
run slo-check --prometheus "$URL" --policy "$TMP/policy.toml"
expect_rc 1 "empty result denied by no_data = deny"
expect_contains "$out" "query returned no series" "empty reason"

serve '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"q":"a"},"value":[1,"1"]},{"metric":{"q":"b"},"value":[1,"2"]}]}}' two
run slo-check --prometheus "$URL" --policy "$TMP/policy.toml" --count 1 --attempts 1 --timeout 20s
expect_rc 2 "several series"
expect_contains "$out" "returned 2 series; aggregate it" "several series reason"

# A bearer token from the environment variable named by --bearer-token-env; without it, 401.
printf '%s' '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"7"]}]}}' >"$TMP/body-auth.json"
port=$(free_port $((19700 + RANDOM % 250))) || exit 1
start_fault canned "$port" --body "$TMP/body-auth.json" --bearer s3cret-token || exit 1
SLO_TOKEN=s3cret-token run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --bearer-token-env SLO_TOKEN
expect_rc 0 "bearer token sent"
expect_not_contains "$out$err" "s3cret-token" "token never printed"
run slo-check --prometheus "http://127.0.0.1:$port" --policy "$TMP/policy.toml" --attempts 1 --timeout 20s
expect_rc 2 "no token"
expect_contains "$out" "HTTP 401" "401 reported"
expect_contains "$out" "--bearer-token-env" "credentials hint"

finish
