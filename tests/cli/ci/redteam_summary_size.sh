#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker): the job summary must show every DENY. GitHub drops a
# step's whole $GITHUB_STEP_SUMMARY when it is over 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted,
# supports content up to a size of 1024k"). Texts are capped at 4096 bytes each, but the summary
# repeats a named finding in a reason and in the checks table, and escape_markdown grows "a@"
# sevenfold ("a<span>@</span>"): 14 findings (3 critical, 11 high) whose id, package and versions
# are 4090-4094 bytes of "a@" (a 231 KB report, default policy) made a 1.47 MB summary.
# Proves: a step's summary is bounded at 512 KiB (common/step_summary.cpp): the DENY line comes
# first, a reason that does not fit is cut and says so; and runs appending to one file stay under
# 1 MiB - 64 KiB together.
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate binary not built"
command -v python3 >/dev/null || skip "python3 not installed"
cd "$TMP"
unset GITLAB_CI
python3 - <<'PY'
import json
def text(i):
    return ("a@" * 2044) + "%04d" % i
findings = []
for severity, count in (("CRITICAL", 3), ("HIGH", 11)):
    findings += [{"VulnerabilityID": ("X" + severity[0] + text(i))[:4090], "PkgName": text(i),
                  "InstalledVersion": text(i), "FixedVersion": text(i + 1), "Severity": severity}
                 for i in range(count)]
json.dump({"SchemaVersion": 2, "ArtifactName": "acme/api", "ArtifactType": "container_image",
           "Results": [{"Target": "img", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": findings}]},
          open("report.json", "w"))
PY
: > summary.md
: > output.txt
run env GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TMP/summary.md" GITHUB_OUTPUT="$TMP/output.txt" \
  scan-gate --report report.json --unbound-report --now 2026-01-01T00:00:00Z
expect_rc 1 "the report is denied (default policy)"
expect_contains "$(head -1 summary.md)" "### relgate scan-gate: DENY" "the summary says DENY"
size=$(stat -c %s summary.md)
[ "$size" -lt 1048576 ] || fail "the step summary is $size bytes, over GitHub's 1 MiB: the runner drops it, DENY and all"
[ "$size" -le 524288 ] || fail "the step summary is $size bytes, over relgate's 512 KiB bound"
expect_contains "$(cat summary.md)" "(cut: the summary is bounded at 512 KiB; the job log has it whole)" \
  "the reason that did not fit says it was cut"
expect_contains "$(cat output.txt)" "decision=DENY" "\$GITHUB_OUTPUT says DENY"

# Runs in one GitHub step append to one summary file, and GitHub's 1 MiB is the file's: three runs
# of this report made 1,440,693 bytes and the runner dropped all three DENYs. Each write is budgeted
# against what the file holds (at most 1 MiB - 64 KiB in all).
for i in 2 3; do
  run env GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TMP/summary.md" GITHUB_OUTPUT="$TMP/output.txt" \
    scan-gate --report report.json --unbound-report --now 2026-01-01T00:00:00Z
  expect_rc 1 "run $i is denied"
done
size=$(stat -c %s summary.md)
[ "$size" -le $((1048576 - 65536)) ] || fail "three runs made a $size-byte step summary, over 1 MiB - 64 KiB"
[ "$(grep -c '^### relgate scan-gate: DENY' summary.md)" = 3 ] || fail "not every run's DENY is in the summary"

# A file that holds 1 MiB - 64 KiB already: not even the decision line fits, so nothing is written
# and stderr says so (one line).
head -c $((1048576 - 65536)) /dev/zero | tr '\0' 'x' > full.md
run env GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TMP/full.md" GITHUB_OUTPUT="$TMP/output.txt" \
  scan-gate --report report.json --unbound-report --now 2026-01-01T00:00:00Z
expect_rc 1 "the run on a full summary file is still denied"
[ "$(stat -c %s full.md)" = $((1048576 - 65536)) ] || fail "a write went into a summary file already at 1 MiB - 64 KiB"
[ "$(printf '%s\n' "$err" | grep -c 'no step summary written: \$GITHUB_STEP_SUMMARY holds 983040 bytes')" = 1 ] ||
  fail "stderr does not say once that no summary was written: $err"
finish
