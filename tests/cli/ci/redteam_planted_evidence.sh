#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker who gets a file into the checked-out branch): the GitHub
# action must not take an evidence file the checkout carries for the job's own evidence.
# Proves: scripts/action-run.sh refuses (exit 2, decision=ERROR, naming the file) an evidence file
# git tracks, as the evidence input and as evidence merge's --evidence OUT, as the GitLab template does.
# In examples/github/release.yml the verify and
# scan jobs name `evidence: evidence.json` in the workspace root, and the merge job merges into
# `evidence.json` (an existing OUT is merged in first). A committed evidence.json for the subject
# is extended: its records (a hand-named ALLOW, or signed records replayed from an earlier run of the
# same digest, which `--key` accepts) travel with the gate's own record to promote, and `evidence init`
# or a step's --subject leaves a file with the same subject as it is.
# Input: a tracked evidence.json (subject = the build's digest, one record), action step scan-gate
# with evidence: evidence.json: exit 0, the file now holds the planted record and scan-gate's.
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate binary not built"
command -v git >/dev/null || skip "git not installed"
action="$RELGATE_SOURCE_DIR/scripts/action-run.sh"
unset GITHUB_ACTIONS GITLAB_CI GITHUB_OUTPUT GITHUB_STEP_SUMMARY
digest=sha256:$(printf 'artifact' | sha256sum | cut -d' ' -f1)
ws="$TMP/ws"
mkdir -p "$ws" && cd "$ws" || exit 1
git init -q . || skip "git init failed"

# The attacker's commit: evidence for the subject the pipeline will build, with an ALLOW of theirs.
evidence init --evidence evidence.json --subject "acme/api@$digest" --now 2026-01-01T00:00:00Z >/dev/null
evidence append --evidence evidence.json --step manual-approval --decision ALLOW --env prod >/dev/null
rm -f evidence.json.lock
git add evidence.json && git -c user.name=a -c user.email=a@example.com commit -qm "planted evidence" ||
  fail "could not commit the planted file"
planted=$(sha256sum evidence.json)

cat > clean.json <<JSON
{"SchemaVersion":2,"ArtifactName":"acme/api@$digest","ArtifactType":"container_image",
 "Metadata":{"RepoDigests":["acme/api@$digest"]},"Results":[]}
JSON
printf '' > "$TMP/github_output"
GITHUB_ACTIONS=true GITHUB_WORKSPACE="$ws" GITHUB_OUTPUT="$TMP/github_output" RELGATE_STEP=scan-gate \
  RELGATE_EVIDENCE=evidence.json RELGATE_ARGS=$'--report\nclean.json\n--subject\nacme/api@'"$digest" run "$action"
expect_rc 2 "an evidence file the checkout tracks is refused"
expect_contains "$err" "evidence: 'evidence.json' is tracked by the repository" "the error names the file and why"
expect_eq "$(sha256sum evidence.json)" "$planted" "the tracked evidence file is left as it was"
expect_contains "$(cat "$TMP/github_output")" "decision=ERROR" "decision=ERROR for a planted evidence file"

# The merge job's form: OUT is the tracked file, IN a gate job's artifact.
mkdir -p gates && evidence init --evidence gates/scan.json --subject "acme/api@$digest" \
  --now 2026-01-01T00:00:00Z >/dev/null
RELGATE_STEP=evidence GITHUB_WORKSPACE="$ws" RELGATE_ARGS=$'merge\n--evidence\nevidence.json\ngates/scan.json' \
  run "$action"
expect_rc 2 "merging into an evidence file the checkout tracks is refused"
expect_eq "$(sha256sum evidence.json)" "$planted" "the tracked evidence file is not merged into"
# Through a symlinked folder the check still sees the tracked file; an untracked file still works.
ln -s . same-dir
RELGATE_STEP=evidence GITHUB_WORKSPACE="$ws" RELGATE_ARGS=$'merge\n--evidence=same-dir/evidence.json\ngates/scan.json' \
  run "$action"
expect_rc 2 "merging into the tracked file through a symlinked folder is refused"
RELGATE_STEP=evidence GITHUB_WORKSPACE="$ws" RELGATE_ARGS=$'merge\n--evidence\nmerged.json\ngates/scan.json' \
  run "$action"
expect_rc 0 "merging into an untracked file works"
# A name git would read as a glob or pathspec magic is taken literally (no match, no refusal).
RELGATE_STEP=evidence GITHUB_WORKSPACE="$ws" RELGATE_ARGS=$'merge\n--evidence\nevid*.json\ngates/scan.json' \
  run "$action"
expect_rc 0 "an untracked OUT named like a glob of the tracked file works"
finish
