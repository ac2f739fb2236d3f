#!/usr/bin/env bash
# Operate data contract (docs/evidence.md): the release ids promote assigned show in `evidence show`,
# the source commit time lives in the header (flag, or CI_COMMIT_TIMESTAMP on GitLab), strictly
# validated and bound by the genesis; slo-check summaries carry error_rate and latency figures.
source "$(dirname "$0")/../lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
unset GITHUB_ACTIONS GITLAB_CI CI_COMMIT_TIMESTAMP

# --- source commit time
ev="$TMP/a.json"
run evidence init --evidence "$ev" --subject "$IMAGE@$(digest_of a)" --source-commit-time 2026-11-17T10:00:00+02:00
expect_rc 0 "init with a source commit time"
expect_eq "$(jq -r .release.source_commit_time "$ev")" "2026-11-17T08:00:00Z" "normalised to UTC Z"
run evidence show --evidence "$ev"
expect_contains "$out" "source:   committed 2026-11-17T08:00:00Z" "show prints it"
run evidence init --evidence "$ev" --subject "$IMAGE@$(digest_of a)" --source-commit-time 2026-11-17T08:00:00Z
expect_rc 0 "same time again: idempotent"
run evidence init --evidence "$ev" --subject "$IMAGE@$(digest_of a)" --source-commit-time 2026-11-17T09:00:00Z
expect_rc 2 "another time for an existing file"
expect_contains "$err" "already exists with source commit time" "names the conflict"
for bad in yesterday 2026-13-01T00:00:00Z "2026-11-17 08:00:00" 2026-11-17T08:00:00 ""; do
  run evidence init --evidence "$TMP/bad.json" --subject "$IMAGE@$(digest_of a)" --source-commit-time "$bad"
  expect_rc 2 "bad time '$bad' refused"
  [ -e "$TMP/bad.json" ] && fail "a refused time wrote the file ('$bad')"
done
expect_contains "$err" "--source-commit-time: empty" "empty flag named"

# GitLab: CI_COMMIT_TIMESTAMP when the flag is absent; a bad one fails closed naming the variable.
run env GITLAB_CI=true CI_COMMIT_TIMESTAMP=2026-11-16T12:30:00+00:00 \
  evidence init --evidence "$TMP/gl.json" --subject "$IMAGE@$(digest_of a)" --format json
expect_rc 0 "GitLab init"
expect_eq "$(jq -r .source_commit_time <<<"$out")" "2026-11-16T12:30:00Z" "json output names it"
expect_eq "$(jq -r .release.source_commit_time "$TMP/gl.json")" "2026-11-16T12:30:00Z" "from CI_COMMIT_TIMESTAMP"
run env GITLAB_CI=true CI_COMMIT_TIMESTAMP=garbage evidence init --evidence "$TMP/gl2.json" --subject "$IMAGE@$(digest_of a)"
expect_rc 2 "bad CI_COMMIT_TIMESTAMP"
expect_contains "$err" "CI_COMMIT_TIMESTAMP" "names the variable"
run env CI_COMMIT_TIMESTAMP=2026-11-16T12:30:00Z evidence init --evidence "$TMP/nogl.json" --subject "$IMAGE@$(digest_of a)"
expect_eq "$(jq -r '.release | has("source_commit_time")' "$TMP/nogl.json")" "false" "outside GitLab: not read"

# The header is in the genesis: editing the time breaks the chain; an odd spelling is refused.
evidence append --evidence "$ev" --step signature-review --decision ALLOW >/dev/null

run evidence verify --evidence "$ev" --key "$TMP/evidence-key.pub.pem"
expect_rc 0 "intact chain"
jq '.release.source_commit_time = "2026-11-17T07:00:00Z"' "$ev" >"$TMP/edited.json"
run evidence verify --evidence "$TMP/edited.json" --key "$TMP/evidence-key.pub.pem"
expect_rc 1 "edited time breaks the chain"
jq '.release.source_commit_time = "2026-11-17T08:00:00+00:00"' "$ev" >"$TMP/spelled.json"
run evidence show --evidence "$TMP/spelled.json"
expect_rc 2 "another spelling refused"
expect_contains "$err" "source_commit_time" "names the field"
jq '.release.source_commit_time = 5' "$ev" >"$TMP/number.json"
run evidence show --evidence "$TMP/number.json"
expect_rc 2 "a number refused"

# --- release ids assigned by promote
new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
new_evidence "$TMP/v1.json" v1 signature-review:ALLOW scan-gate:ALLOW
run evidence show --evidence "$TMP/v1.json"
expect_contains "$out" "release:  (no id)" "no id before promote"
run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/policy.toml"
expect_rc 0 "promote staging"
run evidence show --evidence "$TMP/v1.json"
expect_contains "$out" "release:  rel-2026-11-17-01 (assigned by promote)" "show prints the assigned id"

# --- slo-check summary figures
printf 'http_requests_total{status_code="200"} 990\nhttp_requests_total{status_code="500"} 10\nhttp_request_duration_seconds_bucket{le="0.05"} 900\nhttp_request_duration_seconds_bucket{le="0.1"} 1000\nhttp_request_duration_seconds_bucket{le="+Inf"} 1000\n' >"$TMP/scrape.prom"
cat >"$TMP/slo.toml" <<'TOML'
version = 1
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 2%"]
[[objectives]]
name = "p50"
metric = "p50_latency"
[[objectives]]
name = "p99"
metric = "p99_latency"
pass = ["<= 500ms"]
TOML
run slo-check --metrics-file "$TMP/scrape.prom" --policy "$TMP/slo.toml" --format json
expect_rc 0 "slo-check"
expect_eq "$(jq -r .summary.error_rate <<<"$out")" "0.01" "error_rate fraction"
expect_eq "$(jq -r '.summary.latency_p50_seconds > 0 and .summary.latency_p50_seconds <= 0.05' <<<"$out")" "true" "p50"
expect_eq "$(jq -r '.summary.latency_p99_seconds > 0.05 and .summary.latency_p99_seconds <= 0.1' <<<"$out")" "true" "p99"
cat >"$TMP/slo-err.toml" <<'TOML'
version = 1
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 2%"]
TOML
run slo-check --metrics-file "$TMP/scrape.prom" --policy "$TMP/slo-err.toml" --format json
expect_eq "$(jq -r '.summary | has("latency_p99_seconds") or has("latency_p50_seconds")' <<<"$out")" "false" \
  "latency absent when not measured"
finish
