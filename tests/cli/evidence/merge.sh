#!/usr/bin/env bash
# evidence merge: parallel jobs' copies become one chain; other subjects and broken inputs refused.
source "$(dirname "$0")/../lib.sh"

digest="sha256:$(printf 'merge' | sha256sum | cut -d' ' -f1)"
other="sha256:$(printf 'other' | sha256sum | cut -d' ' -f1)"
evidence init --evidence "$TMP/base.json" --subject "api@$digest" --release r1 > /dev/null || fail "init"
evidence append --evidence "$TMP/base.json" --step build --decision ALLOW > /dev/null || fail "base append"
# Two parallel jobs start from the same base and append their own decisions.
cp "$TMP/base.json" "$TMP/job-a.json"
cp "$TMP/base.json" "$TMP/job-b.json"
RELGATE_NOW=2026-02-11T09:10:00Z evidence append --evidence "$TMP/job-a.json" --step scan-gate --decision ALLOW > /dev/null
RELGATE_NOW=2026-02-11T09:05:00Z evidence append --evidence "$TMP/job-b.json" --step slo-check --decision DENY > /dev/null
RELGATE_NOW=2026-02-11T09:20:00Z evidence append --evidence "$TMP/job-b.json" --step license --decision ALLOW > /dev/null

run evidence merge --evidence "$TMP/merged.json" "$TMP/job-a.json" "$TMP/job-b.json"
expect_rc 0 "merge"
expect_eq "$out" "$TMP/merged.json: merged 4 records (1 duplicates dropped)" "merge line"
expect_eq "$(jq -r '[.records[].step] | join(",")' "$TMP/merged.json")" "slo-check,scan-gate,license,build" \
  "ordered by start time (RELGATE_NOW pinned three of them in the past)"
run evidence verify --evidence "$TMP/merged.json"
expect_rc 0 "merged chain intact"
run evidence merge --evidence "$TMP/merged.json" "$TMP/job-a.json" --format json
expect_rc 0 "merge again into the existing output"
expect_eq "$(echo "$out" | jq -c '[.records, .duplicates_dropped]')" "[4,2]" "nothing new, nothing lost"

evidence init --evidence "$TMP/other.json" --subject "api@$other" > /dev/null
run evidence merge --evidence "$TMP/bad.json" "$TMP/job-a.json" "$TMP/other.json"
expect_rc 2 "different subjects"
expect_contains "$err" "evidence: error: $TMP/other.json: subject api@$other differs from api@$digest" "other subject named"
[ -e "$TMP/bad.json" ] && fail "a refused merge wrote its output"

jq '.records[0].decision = "DENY"' "$TMP/job-b.json" > "$TMP/broken.json"
run evidence merge --evidence "$TMP/bad.json" "$TMP/job-a.json" "$TMP/broken.json"
expect_rc 2 "broken input"
expect_contains "$err" "$TMP/broken.json: chain is broken at record 0" "broken input named"
run evidence merge --evidence "$TMP/bad.json"
expect_rc 2 "no inputs"
finish
