#!/usr/bin/env bash
# Golden outputs of audit's json, prom and html reports (tests/golden/audit-reports) over the
# committed GitOps history at s3 and the committed evidence of its two releases (release 1 at
# prod 100%; release 2 denied by slo-check at prod's 10% canary and rolled back). Nothing varies,
# so nothing is normalised but the test folder. audit's summary and markdown have their goldens
# in tests/golden/audit (tests/cli/audit/reports.sh, over a history built at test time); they are
# not repeated here. audit writes no CI files: golden_command would not fit (it has no --format
# text), so the check is explicit.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/golden.bash"
source "$(dirname "$0")/gitops.bash"
GOLDEN_STEP=audit-reports
# audit appends nothing and reads a committed history: no id or duration varies.
GOLDEN_GIT_COMMITS='' GOLDEN_APPENDED=''
import_history || { fail "importing the GitOps history"; finish; }
use_state s3 v1-final.json v2-rolled-back.json
fresh_state
A=(audit --now 2026-11-20T12:00:00Z --repo work --trusted-key evidence-key.pub.pem
  --evidence v1-final.json --evidence v2-rolled-back.json)
mkdir -p "$TMP/gh" && : >"$TMP/gh/output" && : >"$TMP/gh/summary"
for format in json prom html; do
  golden_run 0 "$TMP/audit.$format" "$TMP/audit.$format.err" env GITHUB_ACTIONS=true \
    GITHUB_OUTPUT="$TMP/gh/output" GITHUB_STEP_SUMMARY="$TMP/gh/summary" "${A[@]}" --format "$format"
  golden_check "report.$format" "$TMP/audit.$format"
  golden_optional "report.$format.stderr" "$TMP/audit.$format.err"
done
jq -e . "$TMP/audit.json" >/dev/null || fail "audit --format json is not JSON"
[ ! -s "$TMP/gh/output" ] && [ ! -s "$TMP/gh/summary" ] || fail "audit now writes GitHub files: add goldens for them"
finish
