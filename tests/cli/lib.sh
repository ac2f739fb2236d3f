# Shared helpers for script tests: source it, then call the assertions. Each failure prints the
# command's output and exits 1; `skip` exits 77, which ctest reports as skipped.
set -uo pipefail
: "${RELGATE_BIN_DIR:?run through ctest (RELGATE_BIN_DIR unset)}"
TMP=${RELGATE_TEST_TMP:-$(mktemp -d)}
rm -rf "$TMP" && mkdir -p "$TMP"
# git never looks for a repository above the test's folder: a test that runs git in a folder it
# failed to make a repository must fail, not commit into the checkout the build folder sits in.
GIT_CEILING_DIRECTORIES=$(dirname "$TMP")
export GIT_CEILING_DIRECTORIES
export PATH="$RELGATE_BIN_DIR:$PATH"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
skip() { echo "SKIP: $*"; exit 77; }
require_corpus() { [ -d "$RELGATE_CORPUS" ] || skip "third-party corpus not found at $RELGATE_CORPUS"; }
# Peak RSS is measured with GNU time, not an address-space limit: sanitizer builds reserve terabytes.
require_time() { command -v /usr/bin/time >/dev/null || skip "/usr/bin/time not installed (scripts/bootstrap.sh --profile test)"; }

# run CMD...: runs it, keeping exit code in $rc and output in $out / $err.
run() {
  out=$("$@" 2>"$TMP/.stderr"); rc=$?
  err=$(cat "$TMP/.stderr")
}
# run_peak_rss CMD...: `run` under GNU time; the command's peak RSS in KB goes to $peak_kb.
run_peak_rss() {
  run /usr/bin/time -f '%M' -o "$TMP/.peak_rss" "$@"
  peak_kb=$(tail -n 1 "$TMP/.peak_rss")
}
expect_rc() { # expect_rc N description
  if [ "$rc" != "$1" ]; then
    fail "$2: exit $rc, expected $1"; echo "--- stdout"; echo "$out"; echo "--- stderr"; echo "$err"
  fi
}
expect_contains() { # expect_contains HAYSTACK NEEDLE description
  case "$1" in *"$2"*) ;; *) fail "$3: output lacks '$2'"; echo "--- got"; echo "$1" ;; esac
}
expect_not_contains() {
  case "$1" in *"$2"*) fail "$3: output has '$2'"; echo "--- got"; echo "$1" ;; *) ;; esac
}
expect_eq() { # expect_eq ACTUAL EXPECTED description
  [ "$1" == "$2" ] || fail "$3: got '$1', expected '$2'"
}
finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed"; exit 1; fi
  echo "all checks passed"; exit 0
}
