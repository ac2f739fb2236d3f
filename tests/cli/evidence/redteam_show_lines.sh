#!/usr/bin/env bash
# Red team (evidence chain, outside attacker): `evidence show` prints one line per record and its
# reasons under it; a reason must never read as another record or carry control sequences.
# The attacker controls a scanner report's package names; scan-gate's DENY record keeps them in its
# reasons. Proves: `evidence show` escapes them (printable_line): PkgName
# "p\n#9  2026-01-01T00:00:00Z  scan-gate  ALLOW  1ms\e[1A\e[2K" stays inside the DENY record's
# reason line as "p\x0a#9 ... \x1b[1A\x1b[2K": no forged record line, no ESC byte.
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate binary not built"
cd "$TMP"
unset GITHUB_ACTIONS GITLAB_CI GITHUB_OUTPUT GITHUB_STEP_SUMMARY
now=2026-01-01T00:00:00Z
digest=sha256:$(printf 'artifact' | sha256sum | cut -d' ' -f1)

cat > hostile.json <<'JSON'
{"SchemaVersion":2,"ArtifactName":"acme/api","ArtifactType":"container_image","Results":[{"Target":"img","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0001","PkgName":"p\n#9  2026-01-01T00:00:00Z  scan-gate  ALLOW  1ms\u001b[1A\u001b[2K","InstalledVersion":"1","FixedVersion":"2","Severity":"CRITICAL"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' > scan.toml
run evidence init --evidence e.json --subject "acme/api@$digest" --now "$now"
expect_rc 0 "evidence init"
run scan-gate --report hostile.json --policy scan.toml --unbound-report --now "$now" --evidence e.json \
  --subject "acme/api@$digest"
expect_rc 1 "hostile report is denied and recorded"

for ci in none github gitlab; do
  case $ci in
    github) ci_env=(GITHUB_ACTIONS=true) ;;
    gitlab) ci_env=(GITLAB_CI=true) ;;
    *) ci_env=() ;;
  esac
  run env "${ci_env[@]}" evidence show --evidence e.json
  expect_rc 0 "evidence show ($ci)"
  expect_contains "$out" "scan-gate  DENY" "the real record ($ci)"
  record_lines=$(printf '%s\n' "$out" | tr '\r' '\n' | grep -c '^#')
  expect_eq "$record_lines" 1 "one record line for one record ($ci)"
  # The package name is shown, escaped, inside the reason's line: it reads as data, not as a record.
  allow_lines=$(printf '%s\n' "$out" | tr '\r' '\n' | grep -c '^#.*scan-gate  ALLOW')
  expect_eq "$allow_lines" 0 "no scan-gate ALLOW record line for a file without one ($ci)"
  expect_contains "$out" '      - 1 critical finding counted, policy allows 0: CVE-2024-0001 in p\x0a#9  ' \
    "the reason keeps the package name on its own line, newline escaped ($ci)"
  if printf '%s%s' "$out" "$err" | LC_ALL=C grep -q $'\e'; then
    fail "an ESC byte from a recorded reason reached the output ($ci)"
  fi
done
finish
