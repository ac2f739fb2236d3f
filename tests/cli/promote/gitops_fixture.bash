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

# Evidence is signed by default, as in a real pipeline: every step signs with RELGATE_EVIDENCE_KEY
# and the test policies trust its public half.
openssl genpkey -algorithm ed25519 -out "$TMP/evidence-key.pem" 2>/dev/null
openssl pkey -in "$TMP/evidence-key.pem" -pubout -out "$TMP/evidence-key.pub.pem"
export RELGATE_EVIDENCE_KEY=$TMP/evidence-key.pem
# Test policies also opt in to the pinned clock (--now), which promote and rollback refuse otherwise.
EVIDENCE_SECTION="[clock]
allow_pinned = true
[evidence]
trusted_keys = [\"$TMP/evidence-key.pub.pem\"]"

# The clock is pinned with --now (tests move it); NOW=... before a call moves it for that call.
# Rollback reads the policy's [clock] for it: without a --policy of the test, a clock-only one.
NOW=2026-11-17T09:00:00Z
printf 'version = 1\n[clock]\nallow_pinned = true\n' >"$TMP/clock-policy.toml"
promote() { command promote --now "$NOW" "$@"; }
rollback() {
  local arg policy=(--policy "$TMP/clock-policy.toml")
  for arg in "$@"; do [ "$arg" = --policy ] && policy=(); done
  command rollback --now "$NOW" "${policy[@]}" "$@"
}

# Gate records come from the real steps (their names are reserved): slo-check on a saved scrape,
# scan-gate on a Trivy report of the evidence subject.
cat >"$TMP/slo-policy.toml" <<'TOML'
version = 1
[[objectives]]
name = "p50 latency"
metric = "p50_latency"
pass = ["<= 200ms"]
key = true
TOML
# slo_record FILE ALLOW|DENY [env [stage]]
slo_record() {
  local file=$1 decision=$2 env=${3:-} stage=${4:-} under=80 extra=()
  [ "$decision" = DENY ] && under=10
  printf 'http_requests_total{status_code="200"} 100\nhttp_request_duration_seconds_bucket{le="0.1"} %s\nhttp_request_duration_seconds_bucket{le="0.5"} 100\nhttp_request_duration_seconds_bucket{le="+Inf"} 100\n' \
    "$under" >"$TMP/scrape-$decision.prom"
  [ -n "$env" ] && extra+=(--env "$env")
  [ -n "$stage" ] && extra+=(--stage "$stage")
  command slo-check --now "$NOW" --metrics-file "$TMP/scrape-$decision.prom" --policy "$TMP/slo-policy.toml" \
    --evidence "$file" "${extra[@]}" >/dev/null
  local code=$?
  { [ "$decision" = ALLOW ] && [ $code = 0 ]; } || { [ "$decision" = DENY ] && [ $code = 1 ]; } ||
    { echo "slo_record $decision: slo-check exited $code" >&2; return 1; }
}
# scan_record FILE ALLOW|DENY
scan_record() {
  local file=$1 decision=$2 severity=LOW digest
  digest=$(jq -r .subject.digest "$file")
  [ "$decision" = DENY ] && severity=CRITICAL
  cat >"$TMP/trivy-$decision.json" <<JSON
{"SchemaVersion":2,"ArtifactName":"$IMAGE","Metadata":{"RepoDigests":["$IMAGE@$digest"]},
 "Results":[{"Target":"api","Class":"os-pkgs","Vulnerabilities":[
  {"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.1.0","Severity":"$severity","Status":"affected"}]}]}
JSON
  printf 'version = 1\n[max]\ncritical = 0\n' >"$TMP/scan-policy.toml"
  command scan-gate --now "$NOW" --report "$TMP/trivy-$decision.json" --policy "$TMP/scan-policy.toml" \
    --evidence "$file" >/dev/null
  local code=$?
  { [ "$decision" = ALLOW ] && [ $code = 0 ]; } || { [ "$decision" = DENY ] && [ $code = 1 ]; } ||
    { echo "scan_record $decision: scan-gate exited $code" >&2; return 1; }
}

# new_gitops_remote DIR: a bare remote with one commit (an overlay that includes relgate's Component).
new_gitops_remote() {
  local remote=$1 seed="$TMP/seed-$$-$RANDOM"
  git init -q --bare "$remote"
  git init -q "$seed"
  mkdir -p "$seed/apps/api/overlays/prod"
  printf 'resources: [../../base]\ncomponents: [../../../../relgate/api/prod]\n' >"$seed/apps/api/overlays/prod/kustomization.yaml"
  git -C "$seed" add -A && git -C "$seed" commit -q -m "initial layout"
  git -C "$seed" push -q "$remote" HEAD:refs/heads/main
  rm -rf "$seed"
}
clone_of() { git clone -q "$1" "$2"; }

# new_evidence FILE NAME (digest = digest_of NAME), then records "step:DECISION[:env[:stage]]"...
# slo-check and scan-gate records come from those steps; other names (hand-recorded results such
# as signature-review) from `evidence append`.
new_evidence() {
  local file=$1 name=$2; shift 2
  evidence init --evidence "$file" --subject "$IMAGE@$(digest_of "$name")" >/dev/null || return 1
  local record
  for record in "$@"; do
    add_record "$file" "$record" || return 1
  done
}
add_record() {
  local file=$1 step decision env stage extra=()
  IFS=: read -r step decision env stage <<<"$2"
  case "$step" in
  slo-check) slo_record "$file" "$decision" "$env" "$stage" ;;
  scan-gate) scan_record "$file" "$decision" ;;
  *)
    [ -n "$env" ] && extra+=(--env "$env")
    [ -n "$stage" ] && extra+=(--stage "$stage")
    evidence append --evidence "$file" --step "$step" --decision "$decision" "${extra[@]}" >/dev/null
    ;;
  esac
}

# A policy close to the default, with short times so tests can move the clock (--now). The
# signature check is a hand-recorded "signature-review" (verify-signature needs real signatures).
write_test_policy() {
  printf 'version = 1\n%s\n' "$EVIDENCE_SECTION" >"$1"
  cat >>"$1" <<'TOML'
[images]
allowed_registries = ["ghcr.io"]
allowed_names = ["ghcr.io/acme/*"]
[approvals]
approvers = ["alice", "bob"]
[push]
max_attempts = 30
[environments.staging]
require = ["signature-review", "scan-gate"]
[environments.prod]
after = "staging"
soak = "1h"
require = ["signature-review", "scan-gate", "slo-check@staging"]
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
