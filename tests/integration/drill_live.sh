#!/usr/bin/env bash
# rollback --drill --live against real services: a bare git remote on loopback disk, a demo service
# that syncs the running release from it (its own Argo CD) and serves /version and /metrics, and
# the real slo-check as post-check. A good drill recovers, rolls forward and is recorded (evidence +
# one ledger line); a drill that does not converge, or whose target is unhealthy, fails (exit 1)
# naming the phase and still rolls forward; --no-roll-forward stays; set-up errors change nothing.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the demo service"
started=$SECONDS

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
printf 'version = 1\n%s\n[images]\nallowed_registries = ["ghcr.io"]\n[environments.prod]\nrequire = ["signature-review"]\n' \
  "$EVIDENCE_SECTION" >"$TMP/policy.toml"
for v in v1 v2; do
  new_evidence "$TMP/$v.json" "$v" signature-review:ALLOW
  run promote --env prod --evidence "$TMP/$v.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
  expect_rc 0 "promote $v"
done
v1=$(digest_of v1); v2=$(digest_of v2)

port=$(free_port $((21000 + RANDOM % 300))) || exit 1
python3 "$DEMO_DIR/demo_service.py" --name prod --port "$port" --gitops-repo "$TMP/remote.git" --gitops-app api --gitops-env prod \
  --sync-interval 0.2 --faulty-digest "$(digest_of v0-faulty)" >"$TMP/demo.log" 2>&1 &
SLO_PIDS+=($!)
wait_http "http://127.0.0.1:$port/healthz" 10 || exit 1
load_bg "$port" 60
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/version" | grep -q "$v2" && break; sleep 0.1; done
expect_contains "$(curl -s "http://127.0.0.1:$port/version")" "$v2" "the service runs v2 from git"
cat >"$TMP/slo.toml" <<'TOML'
version = 1
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 1%"]
[[objectives]]
name = "p99 latency"
metric = "p99_latency"
pass = ["<= 500ms"]
TOML
live=(--drill --live --repo "$TMP/work" --env prod --status-url "http://127.0.0.1:$port/version"
      --post-check-policy "$TMP/slo.toml" --post-check-url "http://127.0.0.1:$port/metrics" --post-check-window 1s
      --converge-timeout 10s)
known_good=$(cat "$TMP/work/relgate/api/prod/known-good.json")
ledger_lines() { git -C "$TMP/remote.git" show main:relgate/api/prod/ledger.jsonl | wc -l; }
remote_state() { git -C "$TMP/remote.git" show main:relgate/api/prod/state.json | jq -r "$1"; }

# 1. A good drill: v2 -> v1 -> v2, measured and recorded.
before=$(ledger_lines)
records=$(jq '.records | length' "$TMP/v2.json")
# (command rollback: the real clock, a drill measures time)
run command rollback "${live[@]}" --post-check-timeout 10s --evidence "$TMP/v2.json"
expect_rc 0 "live drill"
expect_contains "$out" "rollback: success in " "success line"
expect_contains "$out" "post_check: error rate 0.0% and p99 " "post-check line"
expect_contains "$out" "back to baseline (0.0%, " "baseline figures"
expect_contains "$out" "rolled forward to rel-" "rolled forward"
echo "$out" | grep -E '^  - (rollback|post_check|phases):'
expect_eq "$(remote_state .stable.digest)" "$v2" "remote back on v2"
expect_eq "$(ledger_lines)" "$((before + 1))" "one ledger line per drill"
line=$(git -C "$TMP/remote.git" show main:relgate/api/prod/ledger.jsonl | tail -1)
expect_eq "$(jq -r '.action + " " + .outcome + " " + .digest + " " + (.weight|tostring)' <<<"$line")" \
  "drill success $v1 100" "ledger line: drill, outcome, to-digest"
expect_contains "$(jq -r .reason <<<"$line")" "drill success; rel-" "ledger reason is a summary"
expect_eq "$(remote_state .ledger_seq)" "$(jq -r .seq <<<"$line")" "state matches the ledger"
git -C "$TMP/work" pull -q --ff-only
expect_eq "$(cat "$TMP/work/relgate/api/prod/known-good.json")" "$known_good" "known-good untouched"
expect_eq "$(jq -r '.rejected | length' "$TMP/work/relgate/api/releases.json")" "0" "nothing rejected"
expect_eq "$(git -C "$TMP/remote.git" log -3 --format=%s main | tr '\n' '|')" \
  "drill api/prod: success|drill api/prod: roll forward rel-2026-11-17-01 -> rel-2026-11-17-02|drill api/prod: rollback rel-2026-11-17-02 -> rel-2026-11-17-01|" \
  "three commits"
expect_eq "$(jq '.records | length' "$TMP/v2.json")" "$((records + 1))" "evidence record appended"
rec=$(jq '.records[-1]' "$TMP/v2.json")
expect_eq "$(jq -r '[.step, .decision, .scope.env, .summary.mode, .summary.result, .summary.failed_phase] | join(" ")' <<<"$rec")" \
  "rollback ALLOW prod drill success " "drill record"
expect_eq "$(jq -r '[.summary.from_digest, .summary.to_digest, .summary.to_release] | join(" ")' <<<"$rec")" \
  "$v2 $v1 rel-2026-11-17-01" "digests and target"
expect_eq "$(jq -r '.summary.phases_ms | [.rollback, .converge, .post_check, .roll_forward] | map(type) | join(",")' <<<"$rec")" \
  "number,number,number,number" "every phase timed"
expect_eq "$(jq -r '.summary | .recovery_ms == .phases_ms.rollback + .phases_ms.converge + .phases_ms.post_check' <<<"$rec")" \
  "true" "recovery = rollback + converge + post_check"
expect_eq "$(jq -r '.summary | [.baseline.error_rate, .baseline.latency_p99_seconds, .post.error_rate, .post.latency_p99_seconds] | map(type) | join(",")' <<<"$rec")" \
  "number,number,number,number" "baseline and post figures"
run evidence verify --evidence "$TMP/v2.json" --key "$TMP/evidence-key.pub.pem"
expect_rc 0 "evidence still verifies"
echo "drill timings: $(jq -c '.summary | {recovery_ms, phases_ms}' <<<"$rec")"

# 2. The status command (argv, no shell): it never reports v1, so converge fails; rolled forward.
run command rollback --drill --live --repo "$TMP/work" --env prod --status-cmd printf --status-arg "{\"digest\":\"$v2\"}" \
  --post-check-policy "$TMP/slo.toml" --post-check-url "http://127.0.0.1:$port/metrics" --post-check-window 1s \
  --converge-timeout 1s --format json
expect_rc 1 "drill that does not converge"
expect_eq "$(jq -r '.summary.result + " " + .summary.failed_phase' <<<"$out")" "failed converge" "names the phase"
expect_contains "$(jq -r '.reasons[0]' <<<"$out")" "rollback: FAILED at converge" "failure line"
expect_eq "$(jq -r .summary.rolled_forward <<<"$out")" "true" "rolled forward after the failure"
expect_eq "$(remote_state .stable.digest)" "$v2" "v2 again"
expect_eq "$(git -C "$TMP/remote.git" show main:relgate/api/prod/ledger.jsonl | tail -1 | jq -r .outcome)" "failed" "ledger: failed"

# 3. An unhealthy target: roll back to a faulty release, the post-check fails (not back to baseline).
git -C "$TMP/work" pull -q --ff-only
new_evidence "$TMP/v0.json" v0-faulty signature-review:ALLOW
# v0-faulty reached 100% long ago: put it in known-good by promoting it, then v2 again on top.
run promote --env prod --evidence "$TMP/v0.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
expect_rc 0 "promote the faulty release"
NOW=2026-11-17T09:05:00Z run promote --env prod --evidence "$TMP/v2.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
# The service syncs from git on its own clock: wait until it runs v2, or the drill rightly refuses an
# unsettled environment (seen on a loaded machine).
for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/version" | grep -q "$v2" && break; sleep 0.1; done
run command rollback "${live[@]}" --to rel-2026-11-17-03 --post-check-timeout 3s --format json --evidence "$TMP/v2.json"
expect_rc 1 "drill to an unhealthy release"
expect_eq "$(jq -r '.summary.failed_phase' <<<"$out")" "post_check" "post_check failed"
expect_contains "$(jq -r '.reasons[0]' <<<"$out")" "not back to baseline" "why"
expect_eq "$(jq -r '.records[-1] | .decision + " " + .summary.result' "$TMP/v2.json")" "DENY failed" "DENY recorded"

# 4. --no-roll-forward stays on the target; 5. set-up errors change nothing.
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/version" | grep -q "$v2" && break; sleep 0.1; done
run command rollback "${live[@]}" --to rel-2026-11-17-01 --post-check-timeout 10s --no-roll-forward
expect_rc 0 "drill without roll forward"
expect_contains "$out" "not rolled forward" "says so"
expect_eq "$(remote_state .stable.digest)" "$v1" "stays on v1"
head=$(git -C "$TMP/remote.git" rev-parse main)
run command rollback --drill --live --repo "$TMP/work" --env prod --status-url "http://127.0.0.1:$port/version" \
  --post-check-policy "$TMP/slo.toml" --post-check-url "http://127.0.0.1:$port/metrics" --post-check-window 1s --to "$v1"
expect_rc 2 "target is what runs"
run command rollback --drill --live --repo "$TMP/work" --env prod --status-cmd "$TMP/none" \
  --post-check-policy "$TMP/slo.toml" --post-check-url "http://127.0.0.1:$port/metrics"
expect_rc 2 "status command missing"
run command rollback --drill --live --repo "$TMP/work" --env prod --status-url "http://127.0.0.1:$port/version"
expect_rc 2 "no post-check"
expect_contains "$err" "--post-check-policy" "names the flag"
run command rollback --live --repo "$TMP/work" --env prod
expect_rc 2 "--live without --drill"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$head" "set-up errors push nothing"
echo "drill_live took $((SECONDS - started)) s"
finish
