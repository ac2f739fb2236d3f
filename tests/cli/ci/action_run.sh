#!/usr/bin/env bash
# scripts/action-run.sh (what action.yml and CI wrappers call): one argument per line, no shell
# splitting or globbing, outputs in $GITHUB_OUTPUT, fail-on-deny honoured, unknown steps refused.
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/evidence" ] || skip "evidence binary not built"
action="$RELGATE_SOURCE_DIR/scripts/action-run.sh"
digest=sha256:$(printf 'artifact' | sha256sum | cut -d' ' -f1)
cd "$TMP"

# Arguments with spaces and glob characters arrive intact, one per line.
export RELGATE_BIN_DIR
RELGATE_STEP=evidence RELGATE_ARGS=$'init\n--evidence\nrelease file*.json\n--subject\nacme/api@'"$digest" \
  run "$action"
expect_rc 0 "evidence init through the action runner"
[ -f "release file*.json" ] || fail "file name with a space and '*' was split or globbed"

RELGATE_STEP=evidence RELGATE_ARGS=$'verify\n--evidence\nrelease file*.json' run "$action"
expect_rc 0 "evidence verify through the action runner"

RELGATE_STEP='evidence; touch pwned' run "$action"
expect_rc 2 "unknown step"
expect_contains "$out" "unknown step" "unknown step message"
[ -e pwned ] && fail "step name was executed by a shell"

# A DENY-like exit (1) is kept unless fail-on-deny is false.
printf '{"broken": ' > broken.json
RELGATE_STEP=evidence RELGATE_ARGS=$'verify\n--evidence\nmissing.json' run "$action"
expect_rc 2 "errors always fail the job"
RELGATE_STEP=evidence RELGATE_FAIL_ON_DENY=false RELGATE_ARGS=$'verify\n--evidence\nmissing.json' run "$action"
expect_rc 2 "fail-on-deny=false does not hide errors"
finish
