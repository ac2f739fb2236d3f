#!/usr/bin/env bash
# scripts/action-run.sh (what action.yml calls) and the binaries on a GitHub runner: one argument
# per line with no shell splitting or globbing and no silent shifts, outputs in $GITHUB_OUTPUT
# even for usage errors, fail-on-deny honoured, unknown steps refused, and no report or evidence
# data ever printed as a workflow command.
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/evidence" ] || skip "evidence binary not built"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate binary not built"
action="$RELGATE_SOURCE_DIR/scripts/action-run.sh"
digest=sha256:$(printf 'artifact' | sha256sum | cut -d' ' -f1)
now=2026-01-01T00:00:00Z
cd "$TMP"
unset GITHUB_ACTIONS GITLAB_CI GITHUB_OUTPUT GITHUB_STEP_SUMMARY

# Lines the runner would act on: "::" first after blanks, or "##[" anywhere. Our own annotations
# ("::error title=relgate", "::notice title=relgate", "::warning title=relgate") are allowed.
commands_in() {
  printf '%s\n' "$1" | tr '\r' '\n' | LC_ALL=C sed 's/[^ -~]//g' |
    grep -E '^[[:space:]]*::|##\[' | grep -Ev '^::(error|warning|notice) title=relgate[ :]'
}

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
expect_contains "$err" "unknown step" "unknown step message"
[ -e pwned ] && fail "step name was executed by a shell"

# An empty line is an error: dropped, it shifted the next argument into the previous flag.
RELGATE_STEP=evidence RELGATE_ARGS=$'init\n--evidence\n\nshifted.json\n--subject\nacme/api@'"$digest" run "$action"
expect_rc 2 "an empty line between arguments"
expect_contains "$err" "line 3 is empty" "the empty line is named"
[ -e shifted.json ] && fail "the empty line was dropped and the next argument shifted into --evidence"
# Trailing blank lines (a YAML |+ block) shift nothing and are accepted.
RELGATE_STEP=evidence RELGATE_ARGS=$'verify\n--evidence\nrelease file*.json\n\n' run "$action"
expect_rc 0 "trailing blank lines"

# Usage errors publish decision=ERROR (the binary never reached a decision).
printf '' > github_output
GITHUB_OUTPUT="$TMP/github_output" RELGATE_STEP=nope run "$action"
expect_rc 2 "unknown step with GITHUB_OUTPUT"
expect_contains "$(cat github_output)" "decision=ERROR" "unknown step sets decision=ERROR"
printf '' > github_output
GITHUB_ACTIONS=true GITHUB_OUTPUT="$TMP/github_output" RELGATE_STEP=scan-gate RELGATE_ARGS=$'--no-such-flag' \
  run "$action"
expect_rc 2 "a usage error of the binary"
expect_contains "$(cat github_output)" $'decision=ERROR\nexit-code=2' "binary usage error sets decision=ERROR"
printf '' > github_output
GITHUB_OUTPUT="$TMP/github_output" RELGATE_STEP=evidence RELGATE_FAIL_ON_DENY=maybe run "$action"
expect_rc 2 "fail-on-deny must be true or false"
expect_contains "$(cat github_output)" "decision=ERROR" "bad fail-on-deny sets decision=ERROR"

# Data inside relgate's own annotations cannot start another command.
GITHUB_ACTIONS=true RELGATE_STEP=$'x\n::add-mask::y\r::stop-commands::z' run "$action"
expect_rc 2 "unknown step with command text"
expect_eq "$(commands_in "$out$err")" "" "no command besides relgate's own from a hostile step name"

# Errors always fail the job, also with fail-on-deny: false.
RELGATE_STEP=evidence RELGATE_ARGS=$'verify\n--evidence\nmissing.json' run "$action"
expect_rc 2 "errors always fail the job"
RELGATE_STEP=evidence RELGATE_FAIL_ON_DENY=false RELGATE_ARGS=$'verify\n--evidence\nmissing.json' run "$action"
expect_rc 2 "fail-on-deny=false does not hide errors"

# A hostile report on a runner: package names that are workflow commands stay data.
cat > hostile.json <<'JSON'
{"SchemaVersion":2,"ArtifactName":"acme/api","ArtifactType":"container_image","Results":[{"Target":"::add-mask::DENY","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0001","PkgName":"::stop-commands::x","InstalledVersion":"1","FixedVersion":"2","Severity":"CRITICAL","Title":"a\n::set-output name=decision::ALLOW"},
 {"VulnerabilityID":"CVE-2024-0002","PkgName":"pkg ##[add-mask]DENY","InstalledVersion":"1","FixedVersion":"2","Severity":"CRITICAL"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' > scan.toml
for format in text json sarif junit; do
  printf '' > github_output
  GITHUB_ACTIONS=true GITHUB_OUTPUT="$TMP/github_output" RELGATE_STEP=scan-gate RELGATE_FORMAT=$format \
    RELGATE_ARGS=$'--report\nhostile.json\n--policy\nscan.toml\n--unbound-report\n--now\n'"$now" run "$action"
  expect_rc 1 "hostile report ($format) is denied"
  expect_eq "$(commands_in "$out")" "" "no workflow command on stdout ($format)"
  expect_eq "$(commands_in "$err")" "" "no workflow command on stderr besides relgate's own ($format)"
  expect_contains "$err" "::error title=relgate scan-gate::" "annotations on stderr ($format)"
  expect_contains "$(cat github_output)" "decision=DENY" "decision output ($format)"
done
GITHUB_ACTIONS=true RELGATE_STEP=scan-gate RELGATE_FORMAT=json \
  RELGATE_ARGS=$'--report\nhostile.json\n--policy\nscan.toml\n--unbound-report\n--now\n'"$now" run "$action"
printf '%s' "$out" > hostile-out.json
python3 - hostile-out.json <<'PY' || fail "--format json on a runner is not valid JSON with the package names intact"
import json, sys
text = json.dumps(json.load(open(sys.argv[1])))
assert "::stop-commands::x" in text and "pkg ##[add-mask]DENY" in text, text
PY

# evidence show prints recorded reasons: guarded too.
RELGATE_STEP=evidence RELGATE_ARGS=$'append\n--evidence\nrelease file*.json\n--step\nlicense-check\n--decision\nDENY\n--reason\n::add-mask::DENY\n--reason\nok ##[stop-commands]t' \
  run "$action"
expect_rc 0 "evidence append of hostile reasons"
GITHUB_ACTIONS=true RELGATE_STEP=evidence RELGATE_ARGS=$'show\n--evidence\nrelease file*.json' run "$action"
expect_rc 0 "evidence show on a runner"
expect_eq "$(commands_in "$out$err")" "" "evidence show prints no workflow command"

# action.yml: inputs reach scripts only through env; the outputs the steps publish are declared.
if grep -nE '^\s*(-\s*)?run:.*\$\{\{' "$RELGATE_SOURCE_DIR/action.yml"; then
  fail "action.yml pastes an expression into a run: script (use env:)"
fi
expect_contains "$(cat "$RELGATE_SOURCE_DIR/action.yml")" "evidence-head:" "action.yml declares evidence-head"
# app (RELGATE_APP): a plain application name for promote or rollback, checked before the binary
# runs, so a value can never become an option, a second argument or a workflow command.
for bad in "--push" $'api\n--force' $'api\r::add-mask::x' "api --push" "app=web" "API" "../web" "a/b" ".api" \
  "$(printf 'a%.0s' {1..64})"; do
  printf '' > github_output
  GITHUB_ACTIONS=true GITHUB_OUTPUT="$TMP/github_output" RELGATE_STEP=promote RELGATE_APP="$bad" \
    RELGATE_ARGS=$'--repo\nnowhere\n--env\nstaging' run "$action"
  expect_rc 2 "app '$bad' refused"
  expect_contains "$err" "is not an application name" "app '$bad' named"
  expect_not_contains "$err" "promote: error" "app '$bad': the binary never ran"
  expect_eq "$(commands_in "$out$err")" "" "app '$bad': no workflow command in the error"
  expect_contains "$(cat github_output)" "decision=ERROR" "app '$bad': decision=ERROR"
done
for step in scan-gate slo-check verify-signature evidence; do
  RELGATE_STEP=$step RELGATE_APP=api run "$action"
  expect_rc 2 "app on $step refused"
  expect_contains "$err" "only promote and rollback take an application (step is '$step')" "app on $step named"
done
# A second --app from the arguments cannot override the input: promote refuses the pair.
if [ -x "$RELGATE_BIN_DIR/promote" ]; then
  RELGATE_STEP=promote RELGATE_APP=api RELGATE_ARGS=$'--repo\nnowhere\n--env\nstaging\n--evidence\nx.json\n--app\nweb' \
    run "$action"
  expect_rc 2 "app input plus --app in args"
  expect_contains "$err" "'--app' cannot be specified more than once" "duplicate --app refused"
fi
finish
