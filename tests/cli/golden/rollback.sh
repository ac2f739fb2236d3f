#!/usr/bin/env bash
# Golden outputs of rollback (tests/golden/rollback) over the committed GitOps history (state s2:
# release 1 stable in prod, release 2 stable in staging and at prod's 10% canary): removing the
# prod canary (ALLOW), rolling staging's stable release back to release 1, --if-denied after a
# slo-check DENY (rolls back) and with no slo-check record for prod (exit 0, nothing done), and an
# environment with no earlier known-good release (exit 2); every channel (text, json, GitHub
# log/outputs/summary, GitLab dotenv/JUnit) and, where it commits, the commit it made.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/golden.bash"
source "$(dirname "$0")/gitops.bash"
GOLDEN_STEP=rollback
import_history || { fail "importing the GitOps history"; finish; }

use_state s2 v2-denied.json v2-canary.json
R=(--now 2026-11-18T10:45:00Z --repo work --policy promotion.toml)
golden_step prod-canary 0 rollback "${R[@]}" --env prod --reason "error rate 32.2% at the 10% canary"
golden_commit prod-canary.commit
golden_step staging-stable 0 rollback "${R[@]}" --env staging --reason "bad release in staging"
golden_commit staging-stable.commit
golden_step if-denied 0 rollback "${R[@]}" --env prod --if-denied --evidence v2-denied.json
golden_commit if-denied.commit
golden_step if-denied-no-record 0 rollback "${R[@]}" --env prod --if-denied --evidence v2-canary.json

use_state s1
golden_step no-known-good 2 rollback --now 2026-11-17T10:00:00Z --repo work --policy promotion.toml --env staging
finish
