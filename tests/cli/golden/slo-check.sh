#!/usr/bin/env bash
# Golden outputs of slo-check (tests/golden/slo-check) on saved scrapes with the shipped policy
# (error rate <= 1%, p99 <= 500 ms): ALLOW (healthy), DENY (error rate 32.2%), INCONCLUSIVE (no
# request served: no data for either objective), a canary DENY against a healthy baseline, each
# through text, json, the GitHub log, outputs and step summary, and the GitLab dotenv and JUnit.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/golden.bash"
GOLDEN_STEP=slo-check
cp "$GOLDEN_FIXTURES"/slo-check/* "$TMP"/ && cd "$TMP" || { fail "fixtures"; finish; }
G=(--now 2026-11-17T10:40:00Z --policy policy.toml --env prod --stage 10)

golden_step allow 0 slo-check "${G[@]}" --metrics-file healthy.prom
golden_step deny 1 slo-check "${G[@]}" --metrics-file failing.prom
golden_step inconclusive 3 slo-check "${G[@]}" --metrics-file no-traffic.prom
# A canary judged against its baseline (saved scrapes of both): the comparison columns.
golden_step canary-deny 1 slo-check "${G[@]}" --metrics-file failing.prom --baseline-file healthy.prom

# With --evidence: every run appends to a fresh copy of the same committed (unsigned) evidence
# file; the record the last (GitLab) run appended is shown too.
fresh_evidence() { cp "$GOLDEN_FIXTURES/evidence/api-unsigned.json" evidence.json; }
GOLDEN_BEFORE_RUN=fresh_evidence GOLDEN_APPENDED=1
golden_step deny-evidence 1 slo-check "${G[@]}" --metrics-file failing.prom --evidence evidence.json
jq '.records[-1]' evidence.json >"$TMP/record.json"
golden_check deny-evidence.record.json "$TMP/record.json"
finish
