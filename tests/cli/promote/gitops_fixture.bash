# Shared set-up for the promote / rollback script tests (sourced after tests/cli/lib.sh):
# a real bare remote and clones on disk, evidence files made with the evidence CLI, test policies.
export GIT_AUTHOR_NAME=relgate-test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=relgate-test GIT_COMMITTER_EMAIL=test@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP/home"
# Test folders sit inside the relgate checkout: never let git find that repository from them.
export GIT_CEILING_DIRECTORIES="$(dirname "$TMP")"
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

IMAGE=ghcr.io/acme/api
digest_of() { echo "sha256:$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }

# new_gitops_remote DIR: a bare remote with one commit (an overlay that includes relgate's Component).
new_gitops_remote() {
  local remote=$1 seed="$TMP/seed-$$-$RANDOM"
  git init -q --bare "$remote"
  git init -q "$seed"
  mkdir -p "$seed/apps/api/overlays/prod"
  printf 'resources: [../../base]\ncomponents: [../../../../relgate/prod]\n' >"$seed/apps/api/overlays/prod/kustomization.yaml"
  git -C "$seed" add -A && git -C "$seed" commit -q -m "initial layout"
  git -C "$seed" push -q "$remote" HEAD:refs/heads/main
  rm -rf "$seed"
}
clone_of() { git clone -q "$1" "$2"; }

# new_evidence FILE NAME (digest = digest_of NAME), then records "step:DECISION[:env[:stage]]"...
new_evidence() {
  local file=$1 name=$2; shift 2
  evidence init --evidence "$file" --subject "$IMAGE@$(digest_of "$name")" >/dev/null || return 1
  local record step decision env stage
  for record in "$@"; do
    IFS=: read -r step decision env stage <<<"$record"
    local extra=()
    [ -n "$env" ] && extra+=(--env "$env")
    [ -n "$stage" ] && extra+=(--stage "$stage")
    evidence append --evidence "$file" --step "$step" --decision "$decision" "${extra[@]}" >/dev/null || return 1
  done
}

# A policy close to the default, with short times so tests can move the clock (RELGATE_NOW).
write_test_policy() {
  cat >"$1" <<'TOML'
version = 1
[images]
allowed_registries = ["ghcr.io"]
allowed_names = ["ghcr.io/acme/*"]
[approvals]
approvers = ["alice", "bob"]
[push]
max_attempts = 30
[environments.staging]
require = ["verify-signature", "scan-gate"]
[environments.prod]
after = "staging"
soak = "1h"
require = ["verify-signature", "scan-gate", "slo-check@staging"]
stages = ["10%", "50%", "100%"]
approvals = 1
[[environments.prod.freeze]]
reason = "end-of-year freeze"
start = "2026-12-21T00:00:00Z"
end = "2027-01-04T00:00:00Z"
[[environments.prod.freeze]]
reason = "no Friday-afternoon deploys"
weekdays = ["fri"]
from = "15:00"
to = "24:00"
timezone = "Europe/Berlin"
TOML
}
