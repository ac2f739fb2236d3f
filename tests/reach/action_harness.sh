#!/usr/bin/env bash
# The GitHub Action's install path end to end, as the runner runs it: action.yml's composite steps
# executed by tests/reach/action_harness.mjs (GITHUB_OUTPUT/GITHUB_PATH/GITHUB_ENV/GITHUB_STEP_SUMMARY,
# `if:`, actions/cache/restore|save emulated by a local cache folder) against a release tarball
# served by a local nginx on 127.0.0.1, pinned into a COPY of action.yml by scripts/pin-release.sh.
# First run downloads (nginx logs the GET) and verifies; a second runner restores the cache (no GET);
# a tampered download and a tampered cache entry are refused (exit 2, nothing unpacked, nothing on
# PATH, decision ERROR); outputs, usage errors, fail-on-deny and the `output` report file;
# build-from-source runs bootstrap.sh with the build profile and caches the build by version.
source "$(dirname "$0")/../cli/lib.sh"
src=$RELGATE_SOURCE_DIR
command -v nginx >/dev/null || skip "nginx not installed (scripts/bootstrap.sh installs it)"
command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not installed"
for step in verify-signature scan-gate slo-check promote rollback evidence; do
  [ -x "$RELGATE_BIN_DIR/$step" ] || skip "$step not built"
done

# The pinned CI clients (yaml for the harness), installed once per lockfile into the build folder.
source "$(dirname "$0")/ci_tools.bash"
install_ci_tools
tools=$ci_tools

version=$(sed -n 's/^project(relgate VERSION \([0-9][0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[ -n "$version" ] || { echo "FAIL: no project version in CMakeLists.txt"; exit 1; }
case "$(uname -m)" in
  x86_64) arch=amd64 runner_arch=X64 ;;
  aarch64) arch=arm64 runner_arch=ARM64 ;;
  *) skip "no relgate release arch for $(uname -m)" ;;
esac
tarball_name="relgate-$version-linux-$arch.tar.gz"

# ---- the release ------------------------------------------------------------------------------
release="$TMP/release"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/release-key.pem" 2>/dev/null
openssl pkey -in "$TMP/release-key.pem" -pubout -out "$TMP/release.pub" 2>/dev/null
if [ -x "$src/scripts/release.sh" ]; then
  "$src/scripts/release.sh" --build-dir "$RELGATE_BUILD_DIR" --out "$release" --no-deb \
    --signing-key "$TMP/release-key.pem" >"$TMP/release.log" 2>&1 ||
    { cat "$TMP/release.log"; echo "FAIL: scripts/release.sh failed"; exit 1; }
  made_by=release.sh
else
  # Stand-in until scripts/release.sh lands: the release layout from the test build.
  stage="$TMP/stage/relgate-$version"
  mkdir -p "$stage/bin" "$stage/share/relgate/policies" "$stage/share/doc/relgate" "$release"
  for step in verify-signature scan-gate slo-check promote rollback evidence; do
    strip --strip-unneeded -o "$stage/bin/$step" "$RELGATE_BIN_DIR/$step"  # as a release ships them
  done
  cp "$src"/policies/*.toml "$stage/share/relgate/policies/"
  cp "$src/README.md" "$stage/share/doc/relgate/"
  cp "$src/LICENSE" "$stage/"
  tar -czf "$release/$tarball_name" -C "$TMP/stage" "relgate-$version"
  (cd "$release" && sha256sum -- "$tarball_name" > SHA256SUMS)
  made_by=stand-in
fi
[ -f "$release/$tarball_name" ] || { echo "FAIL: no $tarball_name ($made_by)"; exit 1; }
sha=$(sha256sum "$release/$tarball_name" | cut -d' ' -f1)
expect_eq "$(grep -F " $tarball_name" "$release/SHA256SUMS" | cut -d' ' -f1)" "$sha" "SHA256SUMS lists the tarball's checksum ($made_by)"

# A tampered release: same name, one more file inside (a different checksum).
mkdir -p "$TMP/tampered-src" "$TMP/tampered"
tar -xzf "$release/$tarball_name" -C "$TMP/tampered-src"
printf '#!/bin/sh\necho pwned\n' > "$TMP/tampered-src/relgate-$version/bin/evil"
tar -czf "$TMP/tampered/$tarball_name" -C "$TMP/tampered-src" "relgate-$version"
chmod -R a+rX "$release" "$TMP/tampered"

# ---- the action under test: a copy of its files, pinned to this release -----------------------
action="$TMP/action"
mkdir -p "$action/scripts"
cp "$src/action.yml" "$action/"
cp "$src/scripts/action-install.sh" "$src/scripts/action-run.sh" "$src/scripts/bootstrap.sh" "$action/scripts/"
run "$src/scripts/pin-release.sh" --version "$version" --sha256 "$arch=$sha" "$action/action.yml"
expect_rc 0 "pin-release.sh pins the local release into the action copy"
expect_contains "$(cat "$action/action.yml")" "RELGATE_SHA256_${arch^^}: \"$sha\"" "the checksum is pinned"

# ---- nginx on loopback -------------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$TMP/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log;
events {}
http {
  access_log $TMP/access.log;
  client_body_temp_path $TMP/body; proxy_temp_path $TMP/proxy; fastcgi_temp_path $TMP/fastcgi;
  uwsgi_temp_path $TMP/uwsgi; scgi_temp_path $TMP/scgi;
  server {
    listen 127.0.0.1:$port;
    location /releases/download/v$version/ { alias $release/; }
    location /tampered/ { alias $TMP/tampered/; }
  }
}
CONF
[ "$(id -u)" = 0 ] && sed -i '1i user root;' "$TMP/nginx.conf"
nginx -c "$TMP/nginx.conf" -p "$TMP" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
base="http://127.0.0.1:$port/releases/download/v$version"
gets() { grep -c "\"GET $1 HTTP" "$TMP/access.log" 2>/dev/null || true; }

# ---- inputs for the steps ----------------------------------------------------------------------
ws="$TMP/workspace"
mkdir -p "$ws"
subject="acme/api@sha256:$(printf api | sha256sum | cut -d' ' -f1)"
trivy() { # trivy FILE SEVERITY
  cat > "$ws/$1" <<JSON
{"SchemaVersion":2,"ArtifactName":"$subject","ArtifactType":"container_image","Results":[{"Target":"acme/api (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.0.1","FixedVersion":"3.0.2","Severity":"$2"}]}]}
JSON
}
trivy high.json HIGH
trivy critical.json CRITICAL
printf 'version = 1\n[max]\ncritical = 0\n' > "$ws/scan.toml"

# harness NAME KEY=VALUE...: one job on a fresh runner (own temp and tool cache; the cache store
# is shared unless CACHE= is given). Inputs as key=value; args are given with real newlines.
harness() {
  local name=$1; shift
  local runner_dir="$TMP/runners/$name"
  mkdir -p "$runner_dir/temp" "$runner_dir/tool-cache"
  local inputs_json='{}' cache_dir="$TMP/cache" kv
  for kv in "$@"; do
    case "$kv" in
      CACHE=*) cache_dir=${kv#CACHE=} ;;
      *) inputs_json=$(jq -c --arg k "${kv%%=*}" --arg v "${kv#*=}" '. + {($k): $v}' <<<"$inputs_json") ;;
    esac
  done
  jq -n --argjson inputs "$inputs_json" --arg temp "$runner_dir/temp" --arg tc "$runner_dir/tool-cache" \
    --arg arch "$runner_arch" --arg ws "$ws" --arg cache "$cache_dir" \
    '{inputs: $inputs, runner: {os: "Linux", arch: $arch, temp: $temp, tool_cache: $tc}, workspace: $ws, cache_dir: $cache, env: {}}' \
    > "$runner_dir/table.json"
  local started=$SECONDS
  run node "$src/tests/reach/action_harness.mjs" --action "$action" --table "$runner_dir/table.json" --result "$runner_dir/result.json"
  result="$runner_dir/result.json"
  echo "harness $name: $((SECONDS - started)) s"
  [ -f "$result" ] || { fail "$name: the harness wrote no result"; echo "$out"; echo "$err"; }
}
r() { jq -r "$1" "$result"; } # a value from the last result

scan_args=$'--report\nhigh.json\n--policy\nscan.toml\n--subject\n'"$subject"

# 1. First run: download, verify, unpack, PATH, cache save; outputs of scan-gate.
harness first step=scan-gate "args=$scan_args" evidence=release.json release-base-url="$base"
expect_rc 0 "first run succeeds (ALLOW)"
expect_eq "$(gets "/releases/download/v$version/$tarball_name")" 1 "first run downloaded the tarball from nginx once"
expect_eq "$(r '.step_outputs.install.source')" download "first run installed from the download"
expect_contains "$err" "SHA-256 $sha verified" "the install says what it verified"
expect_eq "$(r '.cache_events | map(.op + ":" + ((if has("hit") then .hit else .saved end) | tostring)) | join(",")')" "restore:false,save:true" "cache missed, then saved"
expect_eq "$(r '.cache_events[1].key')" "relgate-$version-Linux-$runner_arch" "cache key: explicit version, OS and arch"
expect_eq "$(r .outputs.decision)" ALLOW "decision output"
expect_eq "$(r '.outputs["exit-code"]')" 0 "exit-code output"
expect_eq "$(r .outputs.high_counted)" 1 "scan-gate high_counted output"
expect_eq "$(r .outputs.critical_counted)" 0 "scan-gate critical_counted output"
expect_eq "$(r .outputs.denying)" 0 "scan-gate denying output"
expect_eq "$(r '.outputs["relgate-version"]')" "$version" "relgate-version output"
[[ $(r '.outputs["evidence-head"]') =~ ^sha256:[0-9a-f]{64}$ ]] || fail "evidence-head output is a record id (got '$(r '.outputs["evidence-head"]')')"
bin_dir=$(r '.outputs["relgate-bin-dir"]')
expect_eq "$bin_dir" "$TMP/runners/first/temp/relgate/relgate-$version-linux-$arch/relgate-$version/bin" "bin dir: version-keyed folder in the runner's temp"
expect_eq "$(r '.path_added | join(" ")')" "$bin_dir" "the bin dir went on GITHUB_PATH"
expect_contains "$(r .summary)" "relgate scan-gate: ALLOW" "step summary written"
[ -f "$TMP/runners/first/tool-cache/relgate-release/$version/$tarball_name" ] || fail "verified tarball kept in the cached folder"
[ -f "$ws/release.json" ] || fail "evidence file written in the workspace"

# 2. A second runner: cache hit, no download, still verified, same outputs.
harness second step=scan-gate "args=$scan_args" release-base-url="$base"
expect_rc 0 "second run succeeds"
expect_eq "$(gets "/releases/download/v$version/$tarball_name")" 1 "second run made no GET (cache hit)"
expect_eq "$(r '.cache_events | map(.op + ":" + ((if has("hit") then .hit else .saved end) | tostring)) | join(",")')" "restore:true" "cache hit, no save"
expect_eq "$(r '.step_outputs.install.source')" cache "second run installed from the cache"
expect_eq "$(r .outputs.decision)" ALLOW "decision output after a cache hit"
[ -x "$TMP/runners/second/temp/relgate/relgate-$version-linux-$arch/relgate-$version/bin/scan-gate" ] || fail "cache hit unpacked the tree"

# 3. A tampered download: refused before unpacking, nothing on PATH, decision ERROR, not cached.
harness tampered step=scan-gate "args=$scan_args" release-base-url="http://127.0.0.1:$port/tampered" CACHE="$TMP/cache-tampered"
expect_rc 1 "a tampered tarball fails the job"
expect_eq "$(gets "/tampered/$tarball_name")" 1 "the tampered tarball was downloaded"
expect_eq "$(r '.steps[] | select(.id == "install") | .exit_code')" 2 "install exits 2"
expect_contains "$(r '.annotations[] | select(.step == "install") | .message')" "pins $sha: refusing it (nothing unpacked)" "clear checksum error"
expect_eq "$(r '.path_added | length')" 0 "nothing went on PATH"
expect_eq "$(find "$TMP/runners/tampered" \( -name evil -o -name scan-gate -o -name '*.tar.gz' \) | wc -l)" 0 "nothing unpacked or kept"
expect_eq "$(r .outputs.decision)" ERROR "decision ERROR after a failed install"
expect_eq "$(r '.outputs["exit-code"]')" 2 "exit-code 2 after a failed install"
expect_eq "$(r '.cache_events | map(.op) | join(",")')" restore "a refused tarball is never saved to the cache"

# 4. A tampered cache entry (a cache writer swapped the tarball): refused on the hit, no GET.
cp -a "$TMP/cache" "$TMP/cache-poisoned"
entry=$(find "$TMP/cache-poisoned" -name "$tarball_name")
cp "$TMP/tampered/$tarball_name" "$entry"
harness poisoned step=scan-gate "args=$scan_args" release-base-url="$base" CACHE="$TMP/cache-poisoned"
expect_rc 1 "a poisoned cache entry fails the job"
expect_contains "$(r '.annotations[] | select(.step == "install") | .message')" "refusing the tampered cache entry" "cache hit re-verified against the pin"
expect_eq "$(gets "/releases/download/v$version/$tarball_name")" 1 "no download on the poisoned hit"
expect_eq "$(find "$TMP/runners/poisoned/temp" \( -name evil -o -name scan-gate \) | wc -l)" 0 "nothing unpacked from the poisoned cache"
expect_eq "$(r .outputs.decision)" ERROR "decision ERROR on a poisoned cache"

# 5. Usage errors: decision ERROR, exit-code 2, the job fails.
harness usage step=deploy-everything release-base-url="$base"
expect_rc 1 "an unknown step fails the job"
expect_eq "$(r .outputs.decision)" ERROR "unknown step: decision ERROR"
expect_eq "$(r '.outputs["exit-code"]')" 2 "unknown step: exit-code 2"
harness badflag step=scan-gate $'args=--report\nhigh.json\n--no-such-flag' release-base-url="$base"
expect_rc 1 "a bad flag fails the job"
expect_eq "$(r .outputs.decision)" ERROR "bad flag: decision ERROR"
harness badformat step=slo-check format=sarif release-base-url="$base"
expect_eq "$(r .outputs.decision)" ERROR "sarif for slo-check: decision ERROR"
expect_contains "$(r '.annotations[].message')" "is for scan-gate only" "sarif for slo-check is named"

# 6. fail-on-deny: false reports a DENY without failing the job, and still fails on an error.
harness deny-report step=scan-gate $'args=--report\ncritical.json\n--policy\nscan.toml' fail-on-deny=false release-base-url="$base"
expect_rc 0 "fail-on-deny false: DENY does not fail the job"
expect_eq "$(r .outputs.decision)" DENY "DENY reported"
expect_eq "$(r '.outputs["exit-code"]')" 1 "exit-code 1 reported"
expect_contains "$(r .outputs.reasons)" "critical" "reasons output names the critical finding"
expect_eq "$(r .outputs.critical_counted)" 1 "critical_counted on DENY"
harness deny-error step=scan-gate $'args=--report\nmissing.json' fail-on-deny=false release-base-url="$base"
expect_rc 1 "fail-on-deny false: an error (exit 2) still fails the job"
expect_eq "$(r .outputs.decision)" ERROR "error reported as ERROR"
harness deny-fails step=scan-gate $'args=--report\ncritical.json\n--policy\nscan.toml' release-base-url="$base"
expect_rc 1 "fail-on-deny true (default): DENY fails the job"
expect_eq "$(r '.steps[] | select(.id == "run") | .exit_code')" 1 "the run step exits 1 on DENY"

# 7. output: the report in a file (SARIF for upload-sarif, JUnit, JSON), not in the log.
harness sarif step=scan-gate $'args=--report\ncritical.json\n--policy\nscan.toml' format=sarif output=reports/scan.sarif fail-on-deny=false release-base-url="$base"
expect_rc 0 "sarif report run"
expect_eq "$(r .outputs.report)" reports/scan.sarif "report output names the file"
expect_eq "$(jq -r '.version' "$ws/reports/scan.sarif" 2>/dev/null)" 2.1.0 "the SARIF file is SARIF 2.1.0 JSON"
expect_eq "$(jq -r '.runs[0].results | length' "$ws/reports/scan.sarif" 2>/dev/null)" 1 "the SARIF file holds the finding"
expect_not_contains "$out" '"$schema"' "the SARIF went to the file, not the log"
harness junit step=scan-gate $'args=--report\ncritical.json\n--policy\nscan.toml' format=junit output=reports/scan.junit.xml fail-on-deny=false release-base-url="$base"
python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert r.tag in ("testsuites", "testsuite"); assert r.iter("failure").__next__() is not None' \
  "$ws/reports/scan.junit.xml" 2>"$TMP/junit.err" || fail "the JUnit file parses and holds a failure: $(cat "$TMP/junit.err")"
harness json step=scan-gate "args=$scan_args" format=json output=reports/scan.json release-base-url="$base"
expect_eq "$(jq -r '.decision' "$ws/reports/scan.json" 2>/dev/null)" ALLOW "the JSON file holds the decision"

# 8. verify-signature through the action: the release's own signed SHA256SUMS (release.sh only).
if [ -f "$release/SHA256SUMS.sig" ]; then
  cp "$release/SHA256SUMS" "$release/SHA256SUMS.sig" "$TMP/release.pub" "$ws/"
  harness verify step=verify-signature $'args=--artifact\nSHA256SUMS\n--signature\nSHA256SUMS.sig\n--key\nrelease.pub' release-base-url="$base"
  expect_rc 0 "verify-signature ALLOWs the release's own signature"
  expect_eq "$(r .outputs.digest)" "sha256:$(sha256sum "$ws/SHA256SUMS" | cut -d' ' -f1)" "digest output"
else
  echo "note: the $made_by release has no SHA256SUMS.sig; verify-signature through the action not run"
fi

# 9. evidence-key signs the records (the PEM from a secret, in a 0600 file removed after the step);
#    step: install only puts relgate on PATH.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/evidence.key" 2>/dev/null
openssl pkey -in "$TMP/evidence.key" -pubout -out "$TMP/evidence.pub" 2>/dev/null
harness signed step=scan-gate "args=$scan_args" evidence=signed.json "evidence-key=$(cat "$TMP/evidence.key")" release-base-url="$base"
expect_rc 0 "signed run"
run "$RELGATE_BIN_DIR/evidence" verify --evidence "$ws/signed.json" --key "$TMP/evidence.pub" --format json
expect_rc 0 "the record verifies against the evidence key's public half"
expect_eq "$(jq -r ".signed_records" <<<"$out" 2>/dev/null)" 1 "the evidence record is signed"
run "$RELGATE_BIN_DIR/evidence" verify --evidence "$ws/release.json" --format json
expect_eq "$(jq -r ".signed_records" <<<"$out" 2>/dev/null)" 0 "without evidence-key the first run's record is unsigned"
expect_eq "$(find "$TMP/runners/signed" -name 'relgate-evidence-key.*' | wc -l)" 0 "the key file is gone after the step"
harness install step=install release-base-url="$base"
expect_rc 0 "step: install"
expect_eq "$(r .outputs.decision)" "" "install decides nothing"
expect_eq "$(r '.path_added | length')" 1 "install put relgate on PATH"

# 10. build-from-source: bootstrap.sh runs with the build profile and the six targets (a recording
#    stand-in here: the tests never compile the tree twice), the build folder is cached by version.
cat > "$action/scripts/bootstrap.sh" <<'SH'
#!/usr/bin/env bash
printf '%s\n' "$@" > "$RECORD"
while [ $# -gt 0 ]; do case "$1" in --build-dir) dir=$2; shift 2 ;; *) shift ;; esac; done
mkdir -p "$dir/bin" && cp "$STEPS"/* "$dir/bin/"
SH
stand_in_bin="$TMP/stand-in-bin"
mkdir -p "$stand_in_bin"  # the release's (stripped) binaries: cheap to copy into the cache
for step in verify-signature scan-gate slo-check promote rollback evidence; do
  cp "$TMP/tampered-src/relgate-$version/bin/$step" "$stand_in_bin/"
done
export RECORD="$TMP/bootstrap-args" STEPS="$stand_in_bin"
harness source step=scan-gate "args=$scan_args" build-from-source=true
expect_rc 0 "build-from-source run"
expect_eq "$(tr '\n' ' ' < "$RECORD")" "--profile build --build-dir $TMP/runners/source/temp/relgate-build --targets verify-signature scan-gate slo-check promote rollback evidence " "bootstrap.sh: build profile, build dir, step targets"
expect_eq "$(r '.cache_events | map(.op + ":" + .key) | join(",")')" "restore:relgate-build-$version-Linux-$runner_arch,save:relgate-build-$version-Linux-$runner_arch" "build cache keyed by version"
expect_eq "$(r .outputs.decision)" ALLOW "build-from-source decision"
expect_eq "$(r '.step_outputs.install.source')" build "installed from the build"
rm -f "$RECORD"
harness source2 step=scan-gate "args=$scan_args" build-from-source=true
expect_eq "$(r '.cache_events | map(.op + ":" + ((if has("hit") then .hit else .saved end) | tostring)) | join(",")')" "restore:true" "second build-from-source run restores the build cache"
harness badsource step=scan-gate "args=$scan_args" build-from-source=yes
expect_rc 1 "build-from-source must be true or false"
expect_eq "$(r .outputs.decision)" ERROR "bad build-from-source: decision ERROR"
finish
