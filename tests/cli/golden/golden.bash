# Golden outputs (sourced after tests/cli/lib.sh by every tests/cli/golden/<step>.sh): runs a
# step once per output channel and compares each output byte for byte with
# tests/golden/<step>/<case>.<ext>. RELGATE_REGEN_GOLDEN=1 (scripts/regen-goldens.sh) rewrites the
# files instead, so a change to what users read shows up as a diff in review.
# GOLDEN_STEP names the folder (set it before calling anything below).

# The CI variables of the machine running the tests must not leak into outputs or records: each
# channel below sets exactly the ones common/ci_context.cpp reads.
unset GITHUB_ACTIONS GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_REPOSITORY GITHUB_RUN_ID GITHUB_RUN_ATTEMPT \
  GITHUB_SHA GITHUB_ACTOR GITHUB_WORKFLOW_REF GITLAB_CI CI_PROJECT_PATH CI_PIPELINE_ID CI_JOB_URL \
  CI_COMMIT_SHA GITLAB_USER_LOGIN CI_COMMIT_TIMESTAMP RELGATE_REPORT_DIR RELGATE_EVIDENCE_KEY
export NO_COLOR=1 TZ=UTC LC_ALL=C.UTF-8
GOLDEN_FIXTURES="$RELGATE_SOURCE_DIR/tests/cli/golden/fixtures"
GOLDEN_REGEN_HINT="scripts/regen-goldens.sh (or RELGATE_REGEN_GOLDEN=1 ctest -R cli.golden), then review git diff tests/golden"

# golden_normalize < ACTUAL > NORMALIZED: the one place where outputs are normalised, and only
# for what cannot be pinned (tests/golden/README.md lists each rule and why):
#  - the test's scratch folder (differs per build folder), then the checkout's folder (a shipped
#    policy's path in a record differs per clone),
#  - the random 128-bit $GITHUB_OUTPUT heredoc delimiter (docs/ci.md: random on purpose),
#  - with GOLDEN_APPENDED=1 (a case whose step appends an evidence record at test time): that
#    record's "duration_ms" (wall time of the run), and its id (evidence-head) and "hash", both
#    computed over that duration;
#  - with GOLDEN_GIT_COMMITS=1 (promote, rollback): commit ids (40 hex, and 12 hex after
#    "commit "), which their wall-clock commit dates change, and promote's timing figures.
# Decisions, reasons, counts, input, policy and subject digests, and the records of a committed
# evidence file are never touched.
golden_normalize() {
  local appended=()
  [ "${GOLDEN_APPENDED:-}" = 1 ] && appended=(
    -e 's/"duration_ms": [0-9]\{1,\}/"duration_ms": <ms>/g'
    -e 's/\(evidence.head\("\?[=:] *"\?\)\)sha256:[0-9a-f]\{64\}/\1sha256:<record id>/Ig'
    -e 's/\("hash": "\)sha256:[0-9a-f]\{64\}/\1sha256:<record hash>/g')
  [ "${GOLDEN_GIT_COMMITS:-}" = 1 ] && appended+=(
    -e 's/\<[0-9a-f]\{40\}\>/<commit>/g'
    -e 's/\(commit \)[0-9a-f]\{12\}\>/\1<commit>/g'
    -e 's/"\(total\|git\|relgate\)_ms": [0-9.e+-]\{1,\}/"\1_ms": <ms>/g')
  sed -e "s#${TMP//#/\\#}#<TMP>#g" -e "s#${RELGATE_SOURCE_DIR//#/\\#}#<SOURCE>#g" \
    -e 's/ghadelimiter_[0-9a-f]\{32\}/ghadelimiter_<random>/g' "${appended[@]}"
}

# golden_check NAME ACTUAL: compares ACTUAL (a file) with tests/golden/$GOLDEN_STEP/NAME.
golden_check() {
  local name=$1 actual=$2
  local want="$RELGATE_SOURCE_DIR/tests/golden/$GOLDEN_STEP/$name" got="$TMP/golden-got/$name"
  mkdir -p "$(dirname "$got")"
  golden_normalize <"$actual" >"$got"
  if [ "${RELGATE_REGEN_GOLDEN:-}" = 1 ]; then
    # A run that exited with the wrong code (a broken fixture, another process in this test's
    # folder) must not become a golden: regeneration stops at the first failure.
    if [ "$failures" -gt 0 ]; then
      fail "not regenerating tests/golden/$GOLDEN_STEP/$name: an earlier check failed"
      return
    fi
    mkdir -p "$(dirname "$want")"
    if ! cmp -s "$got" "$want"; then
      cp "$got" "$want"
      echo "regenerated tests/golden/$GOLDEN_STEP/$name"
    fi
  elif [ ! -f "$want" ]; then
    fail "tests/golden/$GOLDEN_STEP/$name does not exist; create it with $GOLDEN_REGEN_HINT"
  elif ! diff -u --label "tests/golden/$GOLDEN_STEP/$name" --label "actual" "$want" "$got"; then
    fail "tests/golden/$GOLDEN_STEP/$name differs (diff above); if the change is intended: $GOLDEN_REGEN_HINT"
  fi
}

# golden_optional NAME ACTUAL: for a stream that is usually empty (stderr of a text run): no
# golden file stands for "empty", so a message that appears or disappears shows as a failure.
golden_optional() {
  local name=$1 actual=$2 want="$RELGATE_SOURCE_DIR/tests/golden/$GOLDEN_STEP/$1"
  if [ -s "$actual" ] || [ -f "$want" ]; then
    if [ "${RELGATE_REGEN_GOLDEN:-}" = 1 ] && [ ! -s "$actual" ] && [ "$failures" = 0 ]; then
      rm -f "$want" && echo "removed tests/golden/$GOLDEN_STEP/$name (now empty)"
    else
      golden_check "$name" "$actual"
    fi
  fi
}

# golden_run RC OUTFILE ERRFILE CMD...: runs CMD with stdout and stderr to files (byte exact:
# no command substitution trims a trailing newline) and checks its exit code.
golden_run() {
  local want_rc=$1 outfile=$2 errfile=$3; shift 3
  "$@" >"$outfile" 2>"$errfile"
  rc=$?
  if [ "$rc" != "$want_rc" ]; then
    fail "$*: exit $rc, expected $want_rc"
    echo "--- stdout"; cat "$outfile"; echo "--- stderr"; cat "$errfile"
  fi
}

# golden_step CASE RC STEP ARGS...: one case of a step through every channel a user reads:
#   CASE.txt                --format text on stdout (CASE.txt.stderr: its stderr, when not empty)
#   CASE.json               --format json on stdout (must parse)
#   CASE.github-log         stdout then stderr under GITHUB_ACTIONS=true (report, annotations)
#   CASE.github-output      what the step wrote to $GITHUB_OUTPUT
#   CASE.github-summary.md  what the step wrote to $GITHUB_STEP_SUMMARY
#   CASE.gitlab.env         relgate-reports/STEP.env under GITLAB_CI=true (dotenv report)
#   CASE.gitlab.junit.xml   relgate-reports/STEP.junit.xml under GITLAB_CI=true
# Every run must exit RC. More --format values (scan-gate's sarif and junit): golden_format.
# GOLDEN_BEFORE_RUN, when set, names a function called before each run, to restore what a step
# changes (an evidence file it appends to, a clone it commits in).
golden_step() {
  local case=$1 want_rc=$2 step=$3; shift 3
  local dir="$TMP/run-$case"
  rm -rf "$dir" && mkdir -p "$dir/gh" "$dir/gl"

  golden_before_run
  golden_run "$want_rc" "$dir/text.out" "$dir/text.err" "$step" "$@" --format text
  golden_check "$case.txt" "$dir/text.out"
  golden_optional "$case.txt.stderr" "$dir/text.err"

  golden_before_run
  golden_run "$want_rc" "$dir/json.out" "$dir/json.err" "$step" "$@" --format json
  golden_check "$case.json" "$dir/json.out"
  jq -e . "$dir/json.out" >/dev/null || fail "$case: $step --format json is not JSON"

  golden_before_run
  : >"$dir/gh/output" && : >"$dir/gh/summary"
  golden_run "$want_rc" "$dir/gh/stdout" "$dir/gh/stderr" env GITHUB_ACTIONS=true GITHUB_OUTPUT="$dir/gh/output" \
    GITHUB_STEP_SUMMARY="$dir/gh/summary" GITHUB_REPOSITORY=acme/api GITHUB_RUN_ID=1001 GITHUB_RUN_ATTEMPT=1 \
    GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 GITHUB_ACTOR=release-bot \
    GITHUB_WORKFLOW_REF=acme/api/.github/workflows/release.yml@refs/heads/main "$step" "$@"
  cat "$dir/gh/stdout" "$dir/gh/stderr" >"$dir/gh/log"
  golden_check "$case.github-log" "$dir/gh/log"
  golden_check "$case.github-output" "$dir/gh/output"
  golden_check "$case.github-summary.md" "$dir/gh/summary"

  golden_before_run
  golden_run "$want_rc" "$dir/gl/stdout" "$dir/gl/stderr" env GITLAB_CI=true RELGATE_REPORT_DIR="$dir/gl/reports" \
    CI_PROJECT_PATH=acme/api CI_PIPELINE_ID=2002 CI_JOB_URL=https://gitlab.example/acme/api/-/jobs/3003 \
    CI_COMMIT_SHA=0123456789abcdef0123456789abcdef01234567 GITLAB_USER_LOGIN=release-bot "$step" "$@"
  local file
  for file in env junit.xml; do
    if [ -f "$dir/gl/reports/$step.$file" ]; then
      golden_check "$case.gitlab.$file" "$dir/gl/reports/$step.$file"
    else
      fail "$case: $step under GitLab CI wrote no relgate-reports/$step.$file"
    fi
  done
}

# golden_format CASE FORMAT RC STEP ARGS...: one more --format on stdout, to CASE.FORMAT.
golden_format() {
  local case=$1 format=$2 want_rc=$3 step=$4; shift 4
  local dir="$TMP/run-$case"
  mkdir -p "$dir"
  golden_before_run
  golden_run "$want_rc" "$dir/$format.out" "$dir/$format.err" "$step" "$@" --format "$format"
  golden_check "$case.$format" "$dir/$format.out"
}

# golden_command CASE RC CMD...: a command that writes no CI files (evidence show/verify): text
# and json on stdout, the GitHub log (the guarded output), and a check that it wrote nothing to
# $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY or relgate-reports/ (a golden is due when it starts to).
golden_command() {
  local case=$1 want_rc=$2; shift 2
  local dir="$TMP/run-$case"
  rm -rf "$dir" && mkdir -p "$dir/gh" "$dir/gl"
  golden_run "$want_rc" "$dir/text.out" "$dir/text.err" "$@" --format text
  golden_check "$case.txt" "$dir/text.out"
  golden_optional "$case.txt.stderr" "$dir/text.err"
  golden_run "$want_rc" "$dir/json.out" "$dir/json.err" "$@" --format json
  golden_check "$case.json" "$dir/json.out"
  jq -e . "$dir/json.out" >/dev/null || fail "$case: $* --format json is not JSON"
  : >"$dir/gh/output" && : >"$dir/gh/summary"
  golden_run "$want_rc" "$dir/gh/stdout" "$dir/gh/stderr" env GITHUB_ACTIONS=true GITHUB_OUTPUT="$dir/gh/output" \
    GITHUB_STEP_SUMMARY="$dir/gh/summary" "$@"
  cat "$dir/gh/stdout" "$dir/gh/stderr" >"$dir/gh/log"
  golden_check "$case.github-log" "$dir/gh/log"
  golden_run "$want_rc" "$dir/gl/stdout" "$dir/gl/stderr" env GITLAB_CI=true RELGATE_REPORT_DIR="$dir/gl/reports" "$@"
  [ ! -s "$dir/gh/output" ] && [ ! -s "$dir/gh/summary" ] && [ ! -e "$dir/gl/reports" ] ||
    fail "$case: $* now writes CI files: check them with golden_step"
}

golden_before_run() { if [ -n "${GOLDEN_BEFORE_RUN:-}" ]; then "$GOLDEN_BEFORE_RUN"; fi; }
