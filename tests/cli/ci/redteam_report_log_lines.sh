#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker): text from a scanner report must not become a line of its
# own, or a terminal / GitLab log control sequence, in the job log.
# The attacker controls the report's package names (a dependency they publish or vendor):
#   PkgName "p\nscan-gate: ALLOW"                      -> would be a log line "scan-gate: ALLOW"
#   PkgName "p\rsection_start:1:x[collapsed=true]\r\e[0K" -> would fold the DENY findings in GitLab
#   PkgName "p\e[1A\e[2K"                               -> would erase the line above on a terminal
# Proves: scan-gate --format text (reasons and the findings table) and the ::error annotations on
# stderr escape them as \x0a, \x0d, \x1b (printable_line): one decision line, no ESC or CR.
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate binary not built"
cd "$TMP"
unset GITHUB_ACTIONS GITLAB_CI GITHUB_OUTPUT GITHUB_STEP_SUMMARY
now=2026-01-01T00:00:00Z

cat > hostile.json <<'JSON'
{"SchemaVersion":2,"ArtifactName":"acme/api","ArtifactType":"container_image","Results":[{"Target":"img","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0001","PkgName":"p\nscan-gate: ALLOW\rsection_start:1:x[collapsed=true]\r\u001b[0K\u001b[1A\u001b[2K","InstalledVersion":"1","FixedVersion":"2","Severity":"CRITICAL"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' > scan.toml

for ci in none github gitlab; do
  case $ci in
    github) ci_env=(GITHUB_ACTIONS=true) ;;
    gitlab) ci_env=(GITLAB_CI=true RELGATE_REPORT_DIR="$TMP/reports") ;;
    *) ci_env=() ;;
  esac
  run env "${ci_env[@]}" scan-gate --report hostile.json --policy scan.toml --unbound-report --now "$now"
  expect_rc 1 "hostile report is denied ($ci)"
  expect_contains "$out" "scan-gate: DENY" "the decision line ($ci)"
  # One decision line, the first: no other line says what scan-gate decided.
  forged=$(printf '%s\n' "$out" | tr '\r' '\n' | tail -n +2 | grep -c '^scan-gate: ')
  expect_eq "$forged" 0 "no forged 'scan-gate: ...' line after the decision ($ci)"
  # No byte a log viewer or terminal acts on: ESC, or a bare CR inside a line.
  if printf '%s%s' "$out" "$err" | LC_ALL=C grep -q $'\e'; then
    fail "an ESC byte from the report reached the log ($ci)"
  fi
  if printf '%s' "$out" | LC_ALL=C grep -q $'\r'; then
    fail "a CR from the report reached stdout ($ci)"
  fi
  expect_contains "$out" 'CVE-2024-0001      p\x0ascan-gate: ALLOW\x0dsection_start' "the finding's line shows the name escaped ($ci)"
done
finish
