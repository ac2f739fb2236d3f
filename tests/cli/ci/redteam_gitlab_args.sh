#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker): the GitLab template's `script:` (args -> argv, ${NAME}
# expansion, app) under dash, as a POSIX runner shell runs it, with values an attacker controls
# (commit message, branch or tag name: CI_COMMIT_MESSAGE, CI_COMMIT_REF_NAME, ...). These held on
# today's code; tests/reach/gitlab_templates.sh checks the same under gitlab-ci-local, which the
# regular suite does not have. Each expanded value stays one argument: no command substitution,
# backticks, nested ${...}, splitting on newlines or spaces, no glob; an unset or malformed name, a
# blank line between arguments and a bad app exit 2 before the step runs; --evidence comes last.
source "$(dirname "$0")/../lib.sh"
command -v dash >/dev/null || skip "dash not installed"
template="$RELGATE_SOURCE_DIR/.gitlab-ci-templates/relgate.yml"
cd "$TMP"
unset GITHUB_ACTIONS GITLAB_CI
# The job's script exactly as written in the template (the block under `script:`).
awk '/^  script:/{f=1;next} /^  artifacts:/{f=0} f' "$template" | sed -e '/^    - |$/d' -e 's/^      //' > job.sh
grep -q 'RELGATE_ARGS' job.sh || fail "the script block was not found in the template"
# A stand-in step on PATH: one line per argument, each between brackets.
mkdir -p bin
cat > bin/scan-gate <<'SH'
#!/bin/sh
for a in "$@"; do printf '[%s]\n' "$a"; done > "$ARGV_FILE"
SH
cp bin/scan-gate bin/promote
chmod +x bin/scan-gate bin/promote
# job STEP ARGS [VAR=VALUE...]: runs the script under dash; argv in $TMP/argv, exit code in $rc.
# RELGATE_STEP, RELGATE_JOB, RELGATE_ARGS, RELGATE_APP and relgate_bin are what before_script sets
# from the include's inputs in the same shell; here they come through the environment.
job() {
  local step=$1 args=$2
  shift 2
  rm -f argv
  run env -i PATH="/usr/bin:/bin" relgate_bin="$TMP/bin" HOME=/nonexistent ARGV_FILE="$TMP/argv" RELGATE_STEP="$step" \
    RELGATE_JOB="relgate-$step" RELGATE_ARGS="$args" "$@" dash job.sh
}

message=$'fix: x\n--policy\n/tmp/weak.toml $(touch pwned-subst) `touch pwned-tick` ${HOME} * ;touch pwned-semi'
job scan-gate $'--reason\n${CI_COMMIT_MESSAGE}\n--tag=${CI_COMMIT_REF_NAME}-${CI_PIPELINE_ID}' \
  CI_COMMIT_MESSAGE="$message" CI_COMMIT_REF_NAME='-x $(id)' CI_PIPELINE_ID=7
expect_rc 0 "hostile values through \${NAME}"
expect_eq "$(cat argv 2>/dev/null)" "[--reason]
[$message]
[--tag=-x \$(id)-7]
[--evidence=relgate-evidence/relgate-scan-gate.json]" "each expanded value is one argument, literal; --evidence last"
for f in pwned-subst pwned-tick pwned-semi; do [ ! -e "$f" ] || fail "a value was run by a shell ($f)"; done

job scan-gate $'--reason\n${NOT_SET}'
expect_rc 2 "an unset variable"
expect_contains "$err" "variable NOT_SET is not set" "unset variable named"
[ ! -e argv ] || fail "the step ran with an unset variable"
for bad in '${1X}' '${A B}' '${A-x}' '${A' '${}' '${A:-$(id)}'; do
  job scan-gate "--reason=$bad" A=1
  expect_rc 2 "malformed reference '$bad'"
  [ ! -e argv ] || fail "the step ran with '$bad'"
done
job scan-gate $'--report\n\nx.json'
expect_rc 2 "a blank line between arguments"
[ ! -e argv ] || fail "the step ran after a blank line"
job scan-gate $'--report\r\nx.json\r\n\n'
expect_rc 0 "CRLF lines and trailing blank lines"
expect_eq "$(cat argv 2>/dev/null)" "[--report]
[x.json]
[--evidence=relgate-evidence/relgate-scan-gate.json]" "CR stripped, trailing blank lines dropped"

for bad in '-x' $'api\n--push' 'API' 'a b' '.api' 'a/b'; do
  job promote '--push' RELGATE_APP="$bad"
  expect_rc 2 "app '$bad'"
  [ ! -e argv ] || fail "promote ran with app '$bad'"
done
job scan-gate '' RELGATE_APP=api
expect_rc 2 "app on scan-gate"
job promote '--env=staging' RELGATE_APP=api
expect_rc 0 "a plain app on promote"
expect_eq "$(cat argv 2>/dev/null)" "[--env=staging]
[--app=api]
[--evidence=relgate-evidence/relgate-promote.json]" "app as one --app= argument"
finish
