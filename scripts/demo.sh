#!/usr/bin/env bash
# The whole local release, end to end, on this machine only (loopback, a bare git remote on disk):
#   v1: build -> sign -> evidence -> verify-signature -> scan-gate -> promote staging
#       -> slo-check staging (/metrics) -> promote prod 10% -> slo-check canary vs stable
#       (Prometheus) -> 50% -> 100%
#   v2: the same until prod 10%, then the canary breaks -> slo-check DENY -> rollback --if-denied
#       -> v2 is rejected for good -> a live rollback drill of staging (v2 -> v1 -> v2, measured from
#       the running service) -> evidence verify -> audit: both release summaries, audit_report.md,
#       console.html and relgate.prom
#   Two applications share the GitOps repository (relgate/<app>/<env>/): while shop v1 soaks,
#   cart v1 is built, gated and promoted to staging and prod 100%; shop's rollback and drill leave
#   cart untouched, and the audit groups both by application.
# Idempotent: everything lives in build/demo/, recreated on each run; servers stop on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# Only the demo's packages and the executables it runs (no tests): the first decision comes sooner.
build_dir=${BUILD_DIR:-build}
scripts/bootstrap.sh --profile demo --build-dir "$build_dir" \
  --targets "verify-signature scan-gate slo-check promote rollback evidence audit"
case $build_dir in /*) ;; *) build_dir="$root/$build_dir" ;; esac
export PATH="$build_dir/bin:$PATH"
export RELGATE_POLICY_DIR="$root/policies"
# Local run, real clock: relgate pins time only with --now (tests, drills); it refuses RELGATE_NOW.
unset GITHUB_ACTIONS GITLAB_CI RELGATE_NOW

demo="$root/build/demo"
rm -rf "$demo" && mkdir -p "$demo" && cd "$demo"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# expect CODE CMD...: run a step, show its output, stop the demo if the exit code is not CODE.
expect() {
  local want=$1; shift
  printf '$ %s\n' "$*"
  set +e; "$@"; local code=$?; set -e
  if [ "$code" != "$want" ]; then
    echo "demo: expected exit $want from '$1', got $code" >&2
    exit 1
  fi
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() {
  for _ in $(seq 100); do curl -s -o /dev/null --max-time 1 "$1" && return 0; sleep 0.2; done
  echo "demo: $1 did not answer" >&2; exit 1
}
start_service() { # start_service NAME PORT [demo_service options]: the service runs what gitops.git pins
  local name=$1 port=$2; shift 2
  python3 "$root/tests/support/demo-service/demo_service.py" --name "$name" --port "$port" "$@" >"$demo/$name.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz"
}
load() { # load PORT SECONDS: bounded loopback traffic in the background
  wrk -t1 -c4 -d"$2"s --timeout 5s "http://127.0.0.1:$1/api" >/dev/null 2>&1 &
  pids+=($!)
}
# evidence_head FILE: the newest record's id, which the step that appended it publishes as its evidence-head
# output (in CI: steps.<id>.outputs.evidence-head). Later jobs pass it to promote/rollback with
# --expect-evidence-head, so records cut off the end of the evidence file are seen.
evidence_head() { evidence verify --evidence "$1" --key evidence.pub --format json | jq -r .head; }
chaos() { curl -s -X POST -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$1/chaos" >/dev/null; }
build_artifact() { # build_artifact VERSION: a reproducible tarball of the demo service
  mkdir -p "src-$1" && cp "$root/tests/support/demo-service/demo_service.py" "src-$1/" && echo "$1" >"src-$1/VERSION"
  tar --sort=name --mtime=2026-01-01 --owner=0 --group=0 -cf "shop-$1.tar" -C "src-$1" .
  echo "sha256:$(sha256sum "shop-$1.tar" | cut -d' ' -f1)"
}
trivy_report() { # trivy_report FILE DIGEST [APP]: what a scanner would say about the image (one medium, one low)
  local image=demo.local/${3:-shop}
  cat >"$1" <<JSON
{"SchemaVersion":2,"ArtifactName":"$image","ArtifactType":"container_image","Metadata":{"RepoDigests":["$image@$2"]},"Results":[
 {"Target":"$image (debian 12.5)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
  {"VulnerabilityID":"CVE-2024-2511","PkgName":"libssl3","InstalledVersion":"3.0.11-1~deb12u2","FixedVersion":"3.0.13-1~deb12u1","Severity":"MEDIUM"},
  {"VulnerabilityID":"CVE-2023-45853","PkgName":"zlib1g","InstalledVersion":"1:1.2.13.dfsg-1","Severity":"LOW"}]}]}
JSON
}

say "Keys: a cosign-compatible signing key (ECDSA P-256) and an evidence signing key (Ed25519)"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out cosign.key 2>/dev/null
openssl pkey -in cosign.key -pubout -out cosign.pub
openssl genpkey -algorithm ed25519 -out evidence.key
openssl pkey -in evidence.key -pubout -out evidence.pub
export RELGATE_EVIDENCE_KEY="$demo/evidence.key" # every record is signed from here on

say "A GitOps repository (bare remote on disk) for two applications, shop and cart, whose overlays include relgate's Components"
git init -q --bare -b main gitops.git
git clone -q gitops.git gitops 2>/dev/null
for app in shop cart; do
  mkdir -p gitops/apps/$app/base gitops/apps/$app/overlays/{staging,prod}
  cat >gitops/apps/$app/base/deployment.yaml <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $app}
spec:
  selector: {matchLabels: {app: $app}}
  template:
    metadata: {labels: {app: $app}}
    spec:
      containers: [{name: $app, image: demo.local/$app}]
YAML
  printf 'resources:\n- deployment.yaml\n' >gitops/apps/$app/base/kustomization.yaml
  for env in staging prod; do # each application's own Component: relgate/<app>/<env>
    printf 'resources:\n- ../../base\ncomponents:\n- ../../../../relgate/%s/%s\n' "$app" "$env" \
      >gitops/apps/$app/overlays/$env/kustomization.yaml
  done
done
git -C gitops add -A
git -C gitops -c user.name=demo -c user.email=demo@example.com commit -qm "shop and cart: base and overlays"
git -C gitops push -q origin main
git -C gitops config user.name relgate-demo && git -C gitops config user.email demo@example.com

# The default promotion policy, with the demo's approver, a 15 s soak instead of 1 h, and signed
# evidence required.
sed -e 's/^approvers = .*/approvers = ["alice"]/' -e 's/^soak = "1h"/soak = "15s"/' \
    -e 's|^trusted_keys = \[\]|trusted_keys = ["evidence.pub"]|' "$root/policies/promotion.toml" >promotion.toml
cat >slo-prometheus.toml <<'TOML'
# Canary analysis in Prometheus: {{ role }} becomes "canary" or "stable".
version = 1
[source]
prometheus_selector = 'job="shop", role="{{ role }}"'
window = "10s"
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 1%"]
key = true
[[objectives]]
name = "p99 latency"
metric = "p99_latency"
pass = ["<= 500ms"]
key = true
[canary]                 # Mann-Whitney U over one sample per second of the last 10 s
sample_range = "10s"
sample_step = "1s"
TOML

say "Servers: shop in staging, a stable and a canary shop in prod, Prometheus scraping prod"
staging_port=$(free_port); stable_port=$(free_port); canary_port=$(free_port); prom_port=$(free_port)
# staging and prod-stable sync the release they run from the GitOps remote (their own Argo CD) and
# report it on /version: the live drill waits for that.
start_service staging "$staging_port" --gitops-repo "$demo/gitops.git" --gitops-app shop --gitops-env staging --sync-interval 0.3
start_service prod-stable "$stable_port" --gitops-repo "$demo/gitops.git" --gitops-app shop --gitops-env prod --sync-interval 0.3
start_service prod-canary "$canary_port"
cat >prometheus.yml <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: shop
    static_configs:
      - {targets: ['127.0.0.1:$stable_port'], labels: {role: stable}}
      - {targets: ['127.0.0.1:$canary_port'], labels: {role: canary}}
YAML
prometheus --config.file=prometheus.yml --storage.tsdb.path="$demo/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" >prometheus.log 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$prom_port/-/ready"
load "$staging_port" 600; load "$stable_port" 600; load "$canary_port" 600
canary_check=(slo-check --prometheus "http://127.0.0.1:$prom_port" --policy slo-prometheus.toml
              --canary-role canary --baseline-role stable --env prod)

release() { # release VERSION: build, sign, verify, scan, promote to staging, check staging
  local version=$1 evidence=release-$1.json digest
  say "$version: build and sign"
  digest=$(build_artifact "$version")
  openssl dgst -sha256 -sign cosign.key "shop-$version.tar" | base64 -w0 >"shop-$version.tar.sig"
  echo "shop-$version.tar $digest"
  expect 0 evidence init --evidence "$evidence" --subject "demo.local/shop@$digest"
  say "$version: verify-signature"
  expect 0 verify-signature --artifact "shop-$version.tar" --key cosign.pub --signature "shop-$version.tar.sig" \
    --evidence "$evidence"
  say "$version: scan-gate"
  trivy_report "trivy-$version.json" "$digest"
  expect 0 scan-gate --report "trivy-$version.json" --evidence "$evidence"
  scan_head=$(evidence_head "$evidence")
  say "$version: promote to staging (signed evidence, anchored at the scan-gate job's evidence-head)"
  expect 0 promote --repo gitops --env staging --evidence "$evidence" --policy promotion.toml \
    --expect-evidence-head "$scan_head" --push
  say "$version: slo-check on staging, straight from its /metrics endpoint"
  expect 0 slo-check --metrics-url "http://127.0.0.1:$staging_port/metrics" --window 5s --env staging \
    --evidence "$evidence"
  slo_head=$(evidence_head "$evidence")
  say "$version: promote to prod right away is refused (soak time, approval)"
  expect 1 promote --repo gitops --env prod --evidence "$evidence" --policy promotion.toml --push
  soak_started=$SECONDS
}
soak_rest() { # what is left of the 10 s the demo waits after the refused prod promotion
  local left=$((10 - (SECONDS - soak_started)))
  [ "$left" -le 0 ] || sleep "$left"
}

# A second application in the same GitOps repository: cart (demo.local/cart -> app "cart", the
# default --app), gated like shop; it runs while shop soaks, so the demo takes no longer.
cart_release() {
  local evidence=release-cart-v1.json digest
  say "cart v1: a second application in the same GitOps repository: build, sign, gates, promote"
  digest=$(build_artifact cart-v1)
  openssl dgst -sha256 -sign cosign.key shop-cart-v1.tar | base64 -w0 >shop-cart-v1.tar.sig
  expect 0 evidence init --evidence "$evidence" --subject "demo.local/cart@$digest"
  expect 0 verify-signature --artifact shop-cart-v1.tar --key cosign.pub --signature shop-cart-v1.tar.sig \
    --evidence "$evidence"
  trivy_report trivy-cart-v1.json "$digest" cart
  expect 0 scan-gate --report trivy-cart-v1.json --evidence "$evidence"
  expect 0 promote --repo gitops --app cart --env staging --evidence "$evidence" --policy promotion.toml \
    --expect-evidence-head "$(evidence_head "$evidence")" --push
  # The demo runs one staging service: its /metrics stand in for cart's.
  expect 0 slo-check --metrics-url "http://127.0.0.1:$staging_port/metrics" --window 2s --env staging \
    --evidence "$evidence"
  echo "relgate/ now holds: $(git -C gitops ls-tree --name-only -d HEAD:relgate 2>/dev/null | tr '\n' ' ')"
}

release v1
cart_release # while shop v1 soaks in staging
git -C gitops pull -q --ff-only
ls gitops/relgate/*/
soak_rest
say "v1: prod canary 10% -> 50% -> 100%, each stage gated on canary vs stable in Prometheus"
expect 0 promote --repo gitops --env prod --evidence release-v1.json --policy promotion.toml --approved-by alice \
  --expect-evidence-head "$slo_head" --push
for stage in 10 50; do
  sleep 3
  expect 0 "${canary_check[@]}" --stage "$stage" --evidence release-v1.json
  expect 0 promote --repo gitops --env prod --evidence release-v1.json --policy promotion.toml --approved-by alice --push
done
say "v1: prod at 100% (full_100): health of the whole release, recorded"
sleep 3
expect 0 slo-check --metrics-url "http://127.0.0.1:$stable_port/metrics" --window 5s --env prod --stage 100 \
  --evidence release-v1.json
cat gitops/relgate/shop/prod/kustomization.yaml
say "cart v1: to prod (its own soak, stages and release ids; shop's canary history does not touch it)"
for stage in 10 50 100; do
  [ "$stage" = 10 ] || expect 0 slo-check --metrics-url "http://127.0.0.1:$stable_port/metrics" --window 2s \
    --env prod --stage "$((stage == 50 ? 10 : 50))" --evidence release-cart-v1.json
  expect 0 promote --repo gitops --app cart --env prod --evidence release-cart-v1.json --policy promotion.toml \
    --approved-by alice --push
done
cart_prod=$(git -C gitops show HEAD:relgate/cart/prod/state.json)

release v2
soak_rest
say "v2: prod canary 10%, then the canary starts failing"
expect 0 promote --repo gitops --env prod --evidence release-v2.json --policy promotion.toml --approved-by alice --push
chaos "$canary_port" '{"mode":"error","rate":0.3}'
sleep 12
expect 1 "${canary_check[@]}" --stage 10 --evidence release-v2.json
deny_head=$(evidence_head release-v2.json)
say "v2: automatic rollback (what an 'if: failure()' step runs; it trusts only signed slo-check records)"
expect 0 rollback --repo gitops --app shop --env prod --if-denied --evidence release-v2.json --policy promotion.toml \
  --expect-evidence-head "$deny_head" --reason "canary error rate" --push
chaos "$canary_port" '{"mode":"recover"}'
say "v2 is rejected: no automation can promote it again"
expect 1 promote --repo gitops --env prod --evidence release-v2.json --policy promotion.toml --approved-by alice --push

say "A live rollback drill of staging: v2 -> v1 for real, wait for the service, post-check, roll forward"
git -C gitops pull -q --ff-only
for _ in $(seq 50); do curl -s "http://127.0.0.1:$staging_port/version" | grep -q "$(jq -r .stable.digest gitops/relgate/shop/staging/state.json)" && break; sleep 0.2; done
expect 0 rollback --repo gitops --app shop --env staging --drill --live \
  --status-url "http://127.0.0.1:$staging_port/version" \
  --post-check-policy "$root/policies/slo.toml" --post-check-url "http://127.0.0.1:$staging_port/metrics" \
  --post-check-window 2s --converge-timeout 30s --post-check-timeout 30s --evidence release-v2.json
tail -1 gitops/relgate/shop/staging/ledger.jsonl
git -C gitops pull -q --ff-only
say "cart is untouched by shop's rollback and drill"
[ "$(cat gitops/relgate/cart/prod/state.json)" = "$cart_prod" ] || { echo "cart's prod state changed" >&2; exit 1; }
jq -c '{app, env, stable: .stable.release, canary}' gitops/relgate/cart/prod/state.json gitops/relgate/shop/prod/state.json

say "Release summaries (audit): did each release complete, and how"
git -C gitops pull -q --ff-only
expect 0 audit --format summary --evidence release-v1.json --trusted-key evidence.pub
expect 0 audit --format summary --evidence release-v2.json --trusted-key evidence.pub
expect 0 audit --format summary --evidence release-cart-v1.json --trusted-key evidence.pub

say "Audit report and release console (audit): timeline, violations, drills, gate SLIs, DORA"
expect 0 audit --repo gitops --evidence release-v1.json --evidence release-v2.json --evidence release-cart-v1.json --trusted-key evidence.pub \
  --format markdown --out audit_report.md
expect 0 audit --repo gitops --evidence release-v1.json --evidence release-v2.json --evidence release-cart-v1.json --trusted-key evidence.pub \
  --format html --out console.html
expect 0 audit --repo gitops --evidence release-v1.json --evidence release-v2.json --evidence release-cart-v1.json --trusted-key evidence.pub \
  --format prom --out relgate.prom
echo "audit report:    $demo/audit_report.md"
echo "release console: $demo/console.html (open it in a browser; it makes no requests)"
echo "gate SLIs, DORA: $demo/relgate.prom (for node_exporter's textfile collector)"

say "The audit trail"
expect 0 evidence verify --evidence release-v1.json --key evidence.pub
expect 0 evidence verify --evidence release-v2.json --key evidence.pub
expect 0 evidence show --evidence release-v2.json
git -C gitops log --format='%h %s%n%(trailers:key=Relgate-Action,key=Relgate-Env,key=Relgate-Release,valueonly=false)' -8
echo "shop's prod state:"; cat gitops/relgate/shop/prod/state.json
echo "cart's prod state:"; cat gitops/relgate/cart/prod/state.json
say "Demo complete: shop v1 is stable in prod, shop v2 was rolled back and rejected, cart v1 is stable in prod beside it. Files: $demo"
