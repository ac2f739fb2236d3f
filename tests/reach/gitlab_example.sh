#!/usr/bin/env bash
# examples/gitlab/.gitlab-ci.yml, verbatim, run by gitlab-ci-local 4.72.0 with --shell-isolation
# (each job in its own folder, seeing only the artifacts its needs: bring, as on real runners; the
# parallel gate jobs used to overwrite each other's evidence there). Its `include: project:` is
# served from gitlab-ci-local's include cache, seeded with this tree's template. Jobs run on the host
# (--force-shell-executor: there is no container engine here), with relgate on PATH exactly as the
# template's default image has it. Test-only differences are CI variables: the GitOps remote (a bare
# repo on disk), the /metrics URLs (demo services on 127.0.0.1 with loopback traffic), a short SLO
# window, the evidence key (as the file-type variable would give it) and the manual jobs' user.
# The project's own files (policy with a 1 s soak, keys, ci/build-image.sh making a signed
# "image", its payload and a Trivy report) are the test's.
# Two services share the GitOps repository (issue 14): project acme/api runs the example verbatim,
# project acme/web runs it with `app: web` and environments web-* (what its header tells web to
# change), both against the same GitOps remote.
#   api v1: green end to end (prod 10 -> 50 -> 100, each checked); promote saw both gates' records.
#   web v1: green end to end, into relgate/web/; api's files do not move.
#   web v2: the canary answers 50% errors -> slo-check prod 10% FAILs, web's rollback runs, web's
#           prod is web v1 again; api's prod, ledger and release ids are untouched.
#   api v3: a critical CVE -> scan-gate FAILs, promote never runs, no rollback.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/gitlab_lib.bash"
command -v python3 >/dev/null || skip "python3 not installed"
command -v curl >/dev/null || skip "curl not installed"
gitlab_tools
stage_bins
export PATH="$bins:$PATH"
export GCL_IGNORE_PREDEFINED_VARS=GITLAB_CI
unset GITHUB_ACTIONS GITLAB_CI RELGATE_NOW RELGATE_EVIDENCE_KEY

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_service() { # start_service NAME PORT
  python3 "$RELGATE_SOURCE_DIR/tests/support/demo-service/demo_service.py" --name "$1" --port "$2" >"$TMP/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$2/healthz" && return 0; sleep 0.1; done
  skip "demo service $1 did not start: $(tail -1 "$TMP/$1.log")"
}
staging_port=$(free_port); start_service staging "$staging_port"
canary_port=$(free_port); start_service prod-canary "$canary_port"
# Steady loopback traffic (about 50 requests/s each) so every SLO window has data.
python3 - "$staging_port" "$canary_port" >/dev/null 2>&1 <<'PY' &
import sys, time, urllib.request
ports = sys.argv[1:]
while True:
    for port in ports:
        try: urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2).read()
        except Exception: pass
    time.sleep(0.02)
PY
pids+=($!)

# Keys: the image signer (cosign-compatible P-256) and the evidence key (the RELGATE_EVIDENCE_KEY
# file variable).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/cosign.key" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$TMP/evidence.key"

# The GitOps repository: a bare remote on disk.
git init -q --bare -b main "$TMP/gitops.git"
git clone -q "$TMP/gitops.git" "$TMP/gitops-seed" 2>/dev/null
echo "GitOps repository of acme/api and acme/web" > "$TMP/gitops-seed/README.md"
commit_all "$TMP/gitops-seed" init && git -C "$TMP/gitops-seed" push -q origin main

# The application project: the example pipeline verbatim, plus the files it expects.
project="$TMP/project"
project_repo "$project" && cd "$project"
git remote set-head origin main 2>/dev/null || true
cp "$RELGATE_SOURCE_DIR/examples/gitlab/.gitlab-ci.yml" .gitlab-ci.yml
mkdir -p relgate ci
sed 's/^soak = "1h"/soak = "1s"/' "$RELGATE_SOURCE_DIR/examples/gitlab/relgate/promotion.toml" > relgate/promotion.toml
grep -q '^soak = "1s"' relgate/promotion.toml || fail "the example policy has no soak line to shorten"
openssl pkey -in "$TMP/evidence.key" -pubout -out relgate/evidence.pub.pem
openssl pkey -in "$TMP/cosign.key" -pubout -out relgate/cosign.pub
cat > ci/build-image.sh <<'SH'
#!/bin/sh
# Test stand-in for the build: an "image" whose digest depends on $RELEASE, its cosign
# simple-signing payload and signature, and a Trivy report with one $FINDING_SEVERITY finding.
set -eu
mkdir -p dist
printf 'acme/api %s\n' "$RELEASE" > dist/image.tar
digest="sha256:$(sha256sum dist/image.tar | cut -d' ' -f1)"
printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
  "$CI_REGISTRY_IMAGE" "$digest" > dist/image.payload.json
openssl dgst -sha256 -sign "$COSIGN_KEY" dist/image.payload.json | base64 -w0 > dist/image.sig
cat > dist/trivy.json <<JSON
{"SchemaVersion":2,"ArtifactName":"$CI_REGISTRY_IMAGE@$digest","ArtifactType":"container_image","Metadata":{"RepoDigests":["$CI_REGISTRY_IMAGE@$digest"]},"Results":[
 {"Target":"acme/api (debian 12.5)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
  {"VulnerabilityID":"CVE-2024-2511","PkgName":"libssl3","InstalledVersion":"3.0.11-1~deb12u2","FixedVersion":"3.0.13-1~deb12u1","Severity":"$FINDING_SEVERITY"}]}]}
JSON
echo "IMAGE_DIGEST=$digest" > build.env
echo "built $CI_REGISTRY_IMAGE@$digest"
SH
chmod +x ci/build-image.sh
commit_all "$project" "acme/api with the relgate example pipeline"
# `include: project: platform/relgate, ref: v0.1.0` comes from gitlab-ci-local's include cache.
version=$(sed -n 's/^project(relgate VERSION \([0-9.]*\).*/\1/p' "$RELGATE_SOURCE_DIR/CMakeLists.txt")
grep -q "ref: v$version\$" .gitlab-ci.yml || fail "the example does not include relgate v$version"
include_dir=".gitlab-ci-local/includes/gitlab.example.com/platform/relgate/v$version/.gitlab-ci-templates"
mkdir -p "$include_dir" && cp "$RELGATE_SOURCE_DIR/.gitlab-ci-templates/relgate.yml" "$include_dir/"
[ "$(grep -c '^      app: api$' .gitlab-ci.yml)" = 7 ] || fail "the example names app api in its 4 promote and 3 rollback jobs"

# acme/web: the same pipeline with what its header says a second service changes.
web="$TMP/web"
cp -a "$project" "$web"
git -C "$web" remote set-url origin https://gitlab.example.com/acme/web.git
sed -i 's/^      app: api$/      app: web/; s/^      environment: api-/      environment: web-/' "$web/.gitlab-ci.yml"
grep -q "app: api\|environment: api-" "$web/.gitlab-ci.yml" && fail "web's pipeline still names api"
commit_all "$web" "acme/web with the relgate example pipeline"
cd "$project"

pipeline() { # pipeline PROJECT RELEASE SEVERITY: the whole example pipeline, the prod jobs "started by hand"
  local dir=$1; shift
  cd "$dir" || return
  gitlab --manual relgate-promote-prod-10 --manual relgate-promote-prod-50 --manual relgate-promote-prod-100 \
    --variable "GITOPS_REPO=$TMP/gitops.git" \
    --variable "STAGING_METRICS_URL=http://127.0.0.1:$staging_port/metrics" \
    --variable "PROD_CANARY_METRICS_URL=http://127.0.0.1:$canary_port/metrics" \
    --variable "PROD_METRICS_URL=http://127.0.0.1:$canary_port/metrics" \
    --variable SLO_WINDOW=2s \
    --variable "RELGATE_EVIDENCE_KEY=$TMP/evidence.key" \
    --variable GITLAB_USER_LOGIN=release-manager \
    --variable "COSIGN_KEY=$TMP/cosign.key" --variable "RELEASE=$1" --variable "FINDING_SEVERITY=$2"
  printf '%s\n' "$out" > "$TMP/pipeline-$(basename "$dir")-$1.log"
}
prod_state() { # prod_state APP
  git -C "$TMP/gitops-seed" pull -q 2>/dev/null; cat "$TMP/gitops-seed/relgate/$1/prod/state.json" 2>/dev/null
}
built_digest() { printf 'acme/api %s\n' "$1" | sha256sum | cut -d' ' -f1; }
builds="$project/.gitlab-ci-local/builds"

# api v1: green end to end.
pipeline "$project" v1 MEDIUM
for job in build relgate-verify-signature relgate-scan-gate relgate-promote-staging relgate-slo-check-staging \
  relgate-promote-prod-10 relgate-slo-check-prod-10 relgate-promote-prod-50 relgate-slo-check-prod-50 \
  relgate-promote-prod-100 relgate-slo-check-prod-100; do
  expect_verdict "$job" PASS "v1 (ALLOW)"
done
for job in relgate-rollback-prod-10 relgate-rollback-prod-50 relgate-rollback-prod-100; do
  expect_verdict "$job" "" "v1: no rollback on a green pipeline"
done
expect_rc 0 "v1: gitlab-ci-local exits 0"
# The parallel gate jobs' records both reached promote (each job has its own folder here).
staged="$builds/relgate-promote-staging/relgate-evidence/relgate-promote-staging.json"
run evidence show --evidence "$staged"
expect_contains "$out" "verify-signature  ALLOW" "promote staging saw the verify-signature record"
expect_contains "$out" "scan-gate  ALLOW" "promote staging saw the scan-gate record"
expect_contains "$out" "promote  ALLOW" "promote staging appended its decision"
final="$builds/relgate-slo-check-prod-100/relgate-evidence/relgate-slo-check-prod-100.json"
run evidence verify --evidence "$final" --key "$project/relgate/evidence.pub.pem"
expect_rc 0 "the last job's evidence verifies against the evidence key (every record signed)"
expect_eq "$(grep -c '"step"' "$final" 2>/dev/null)" 10 "the last job's evidence holds all 10 decisions of the release"
v1=$(built_digest v1)
expect_contains "$(prod_state api)" "$v1" "v1 is in api's prod"

# web v1: green end to end, into web's own folder; api's files stay as they were.
api_before=$(git -C "$TMP/gitops-seed" rev-parse HEAD:relgate/api)
pipeline "$web" web-v1 MEDIUM
for job in build relgate-promote-staging relgate-promote-prod-10 relgate-promote-prod-100 relgate-slo-check-prod-100; do
  expect_verdict "$job" PASS "web v1 (ALLOW)"
done
expect_rc 0 "web v1: gitlab-ci-local exits 0"
web1=$(built_digest web-v1)
expect_contains "$(prod_state web)" "$web1" "web v1 is in web's prod"
expect_contains "$(prod_state api)" "$v1" "api's prod still runs api v1"
expect_eq "$(git -C "$TMP/gitops-seed" rev-parse HEAD:relgate/api)" "$api_before" "web's pipeline did not touch relgate/api"
# Release ids are per application: both services' first release is rel-<date>-01.
expect_eq "$(jq -r .stable.release "$TMP/gitops-seed/relgate/web/prod/state.json" | sed 's/.*-//')" "01" "web's first release id"

# web v2: a bad canary. slo-check at prod 10% fails, web's rollback job returns web's prod to
# web v1; api is not touched.
api_ledger=$(cat "$TMP/gitops-seed/relgate/api/prod/ledger.jsonl")
curl -s -X POST -H 'Content-Type: application/json' -d '{"mode":"error","rate":0.5}' \
  "http://127.0.0.1:$canary_port/chaos" >/dev/null || fail "chaos switch"
pipeline "$web" web-v2 MEDIUM
for job in build relgate-verify-signature relgate-scan-gate relgate-promote-staging relgate-slo-check-staging relgate-promote-prod-10; do
  expect_verdict "$job" PASS "v2 up to prod 10%"
done
expect_verdict relgate-slo-check-prod-10 "FAIL 1" "v2: slo-check denies the canary at prod 10%"
expect_verdict relgate-rollback-prod-10 PASS "v2: the rollback job ran"
for job in relgate-promote-prod-50 relgate-slo-check-prod-50 relgate-promote-prod-100 relgate-rollback-prod-50 relgate-rollback-prod-100; do
  expect_verdict "$job" "" "v2: nothing after the failed check but the rollback"
done
expect_rc 1 "v2: gitlab-ci-local exits 1 (a job failed)"
expect_contains "$out" "slo-check: DENY" "v2: the DENY is in the log"
state=$(prod_state web)
expect_contains "$state" "$web1" "v2: web's prod is back on web v1"
expect_contains "$state" '"canary": null' "v2: the canary is gone"
ledger=$(tail -1 "$TMP/gitops-seed/relgate/web/prod/ledger.jsonl")
expect_contains "$ledger" '"action":"rollback"' "v2: web's ledger records the rollback"
expect_contains "$ledger" '"app":"web"' "v2: ... of app web"
expect_contains "$ledger" '"reason":"prod slo-check failed in pipeline' "v2: ... with the example's reason"
expect_contains "$(prod_state api)" "$v1" "v2: api's prod still runs api v1"
expect_eq "$(cat "$TMP/gitops-seed/relgate/api/prod/ledger.jsonl")" "$api_ledger" "v2: api's ledger unchanged"
curl -s -X POST -H 'Content-Type: application/json' -d '{"mode":"recover"}' "http://127.0.0.1:$canary_port/chaos" >/dev/null

# api v3: a critical CVE. scan-gate fails; nothing is promoted; no rollback.
builds="$project/.gitlab-ci-local/builds"
before=$(git -C "$TMP/gitops.git" rev-parse main)
pipeline "$project" v3 CRITICAL
expect_verdict relgate-verify-signature PASS "v3: the signature is fine"
expect_verdict relgate-scan-gate "FAIL 1" "v3: scan-gate denies the critical CVE"
for job in relgate-promote-staging relgate-slo-check-staging relgate-promote-prod-10 relgate-rollback-prod-10; do
  expect_verdict "$job" "" "v3: nothing runs after the failed gate"
done
expect_contains "$out" "CVE-2024-2511" "v3: the finding is named"
expect_eq "$(git -C "$TMP/gitops.git" rev-parse main)" "$before" "v3: the GitOps repository did not move"
finish
