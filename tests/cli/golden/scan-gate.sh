#!/usr/bin/env bash
# Golden outputs of scan-gate (tests/golden/scan-gate): a DENY (a critical and a high finding over
# their limits) and an ALLOW (a high finding suppressed by a current [[allow]] entry) through text,
# json, sarif, junit, the GitHub step summary and outputs, and the GitLab dotenv and JUnit reports;
# an error (a report missing a member: exit 2), and an ALLOW that appends to a committed evidence
# file (the evidence note, evidence-head, the record).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/golden.bash"
GOLDEN_STEP=scan-gate
# Relative paths: outputs name the report files as given, not the scratch folder.
cp "$GOLDEN_FIXTURES"/scan-gate/* "$TMP"/ && cd "$TMP" || { fail "fixtures"; finish; }
G=(--now 2026-11-17T08:30:00Z --policy policy.toml)

golden_step deny 1 scan-gate "${G[@]}" --report trivy-deny.json
golden_format deny sarif 1 scan-gate "${G[@]}" --report trivy-deny.json
golden_format deny junit 1 scan-gate "${G[@]}" --report trivy-deny.json

golden_step allow 0 scan-gate "${G[@]}" --report trivy-allow.json
golden_format allow sarif 0 scan-gate "${G[@]}" --report trivy-allow.json
golden_format allow junit 0 scan-gate "${G[@]}" --report trivy-allow.json

# A report it cannot read: exit 2, the error naming file, byte and member, in every channel.
golden_step error-bad-report 2 scan-gate "${G[@]}" --report trivy-truncated.json

# With --evidence: every run appends to a fresh copy of the same committed evidence file.
fresh_evidence() { cp "$GOLDEN_FIXTURES/evidence/api-unsigned.json" evidence.json; }
GOLDEN_BEFORE_RUN=fresh_evidence GOLDEN_APPENDED=1
golden_step allow-evidence 0 scan-gate "${G[@]}" --report trivy-allow.json --evidence evidence.json
# The record the GitLab run appended (the last run): the CI context, inputs and policy digests.
jq '.records[-1]' evidence.json >"$TMP/record.json"
golden_check allow-evidence.record.json "$TMP/record.json"
finish
