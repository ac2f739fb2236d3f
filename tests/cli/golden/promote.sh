#!/usr/bin/env bash
# Golden outputs of promote (tests/golden/promote) over a committed GitOps history and signed
# evidence: release 1 into staging (ALLOW), then into prod: ALLOW to the first canary stage with
# an approval, DENY without one, DENY before staging has soaked an hour, DENY inside the
# end-of-year freeze; every channel (text, json, GitHub log/outputs/summary, GitLab dotenv/JUnit)
# and, for an ALLOW, the commit it made in the GitOps clone (message, trailers, files).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/golden.bash"
source "$(dirname "$0")/gitops.bash"
GOLDEN_STEP=promote
import_history || { fail "importing the GitOps history"; finish; }

use_state s0 api-signed.json
golden_step staging-allow 0 promote --now 2026-11-17T09:00:00Z --env staging --repo work --evidence api-signed.json \
  --policy promotion.toml
golden_commit staging-allow.commit

use_state s1 v1-staged.json
P=(--repo work --evidence v1-staged.json --policy promotion.toml --env prod)
golden_step prod-allow 0 promote --now 2026-11-17T10:30:00Z --approved-by alice "${P[@]}"
golden_commit prod-allow.commit
golden_step prod-deny-approval 1 promote --now 2026-11-17T10:30:00Z "${P[@]}"
golden_step prod-deny-soak 1 promote --now 2026-11-17T09:30:00Z --approved-by alice "${P[@]}"
golden_step prod-deny-freeze 1 promote --now 2026-12-22T10:00:00Z --approved-by alice "${P[@]}"
finish
