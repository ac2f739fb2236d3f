#!/usr/bin/env bash
# What every step promises alike: --help, --version, usage errors exit 2 without a stack of
# output, an unknown --format is refused, a run with a broken policy fails closed with exit 2,
# in text and in json (which still carries step, decision and reasons), the clock is pinned only
# by --now (RELGATE_NOW set is an error, nothing written), a FIFO policy never blocks, and --env /
# --stage are validated alike by every step.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 'version = 1\nno_such_key = true\n[environments.staging]\nrequire = []\n' > bad-policy.toml
printf '{"SchemaVersion":2,"Results":[]}' > report.json
git init -q repo
mkfifo fifo.toml
evidence init --evidence ev.json --subject "acme/api@sha256:$(printf api | sha256sum | cut -d' ' -f1)" >/dev/null
declare -A inputs=([verify-signature]="" [scan-gate]="--report report.json" [slo-check]=""
                   [promote]="--repo repo --env staging --evidence ev.json")
for step in verify-signature scan-gate slo-check promote rollback; do
  [ -x "$RELGATE_BIN_DIR/$step" ] || { fail "$step not built"; continue; }
  run "$step" --help
  expect_rc 0 "$step --help"
  expect_contains "$out" "Usage: $step" "$step --help usage line"
  expect_contains "$out" "Exit codes: 0 ALLOW, 1 DENY, 2 error" "$step --help exit codes"
  run "$step" --version
  expect_rc 0 "$step --version"
  expect_eq "$out" "$step (relgate) $(cat "$RELGATE_SOURCE_DIR/CMakeLists.txt" | sed -n 's/^project(relgate VERSION \([0-9.]*\).*/\1/p')" "$step --version text"
  run "$step" --no-such-option
  expect_rc 2 "$step unknown option"
  expect_contains "$err" "$step: error: unrecognised option '--no-such-option'" "$step names the bad option"
  run "$step" --format yaml
  expect_rc 2 "$step unknown format"
  expect_contains "$err" "unknown format 'yaml'" "$step names the bad format"
  run "$step" --now tomorrow
  expect_rc 2 "$step bad --now"
  expect_contains "$err" "--now: 'tomorrow' is not an RFC 3339 time" "$step names the bad --now"
  # --env has one grammar for every step (the one promote and rollback use), checked before the
  # step runs; --stage is a plain whole number 0..100.
  for bad_env in $'staging\n' 'staging ' $'st\xd0\xb0ging' 'Staging' '-staging' '../prod'; do
    run "$step" --env "$bad_env"
    expect_rc 2 "$step --env $(printf %q "$bad_env")"
    expect_contains "$err" "$step: error: --env: environment name" "$step names --env for $(printf %q "$bad_env")"
  done
  expect_contains "$err" "use lowercase letters, digits" "$step says how to fix --env"
  run "$step" --env $'staging\n' --format json
  expect_not_contains "$err" $'staging\n' "$step shows a bad --env escaped"
  for bad_stage in ' 10' '10 ' '+10' '1e1' '101' '-1' '' $'10\n'; do
    run "$step" --stage "$bad_stage"
    expect_rc 2 "$step --stage $(printf %q "$bad_stage")"
    expect_contains "$err" "--stage" "$step names --stage for $(printf %q "$bad_stage")"
  done
  cp ev.json ev.before
  with_evidence=(--evidence ev.json)
  [[ "${inputs[$step]:-}" == *--evidence* ]] && with_evidence=()
  # shellcheck disable=SC2086 # the inputs are plain words
  run env RELGATE_NOW=2030-01-01T00:00:00Z "$step" ${inputs[$step]:-} "${with_evidence[@]}"
  expect_rc 2 "$step with RELGATE_NOW set"
  expect_contains "$err" "$step: error: RELGATE_NOW is set, but relgate no longer reads the clock" "$step refuses RELGATE_NOW"
  cmp -s ev.json ev.before || fail "$step with RELGATE_NOW set changed the evidence"
  [ "$step" = rollback ] && continue # rollback has no policy of its own
  # shellcheck disable=SC2086 # the inputs are plain words
  run timeout 10 "$step" ${inputs[$step]} --policy fifo.toml
  expect_rc 2 "$step with a FIFO policy"
  expect_contains "$err" "fifo.toml: is a FIFO (named pipe), expected a regular file" "$step names the FIFO"
  # shellcheck disable=SC2086 # the inputs are plain words
  run "$step" ${inputs[$step]} --policy bad-policy.toml --format json
  expect_rc 2 "$step with a bad policy"
  expect_contains "$err" "bad-policy.toml:" "$step names the policy file and position"
  expect_contains "$err" "unknown key" "$step refuses the unknown key"
  expect_eq "$(jq -r '.step + " " + .decision' <<<"$out")" "$step ERROR" "$step json on error"
  expect_eq "$(jq -r '.reasons | length' <<<"$out")" "1" "$step json error reason"
done
finish
