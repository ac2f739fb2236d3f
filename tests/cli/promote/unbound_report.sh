# A scan-gate ALLOW made with --unbound-report (a scan of a repository or directory, its report
# naming no image digest) does not show the image was scanned: promote does not count it as the
# required scan-gate ALLOW unless the environment opts in with allow_unbound_reports = true.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
sed 's/^require = \["signature-review", "scan-gate"\]$/&\nallow_unbound_reports = true/' "$TMP/policy.toml" >"$TMP/opt-in.toml"
grep -q '^allow_unbound_reports = true$' "$TMP/opt-in.toml" || fail "test set-up: opt-in policy not written"

# A filesystem scan of the source tree: clean, and it names no image.
cat >"$TMP/repo-scan.json" <<'JSON'
{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[{"Target":"go.mod","Class":"lang-pkgs","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0002","PkgName":"golang.org/x/net","InstalledVersion":"0.1.0","Severity":"LOW","Status":"affected"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' >"$TMP/scan-policy.toml"
unbound_scan() { # unbound_scan FILE: a scan-gate ALLOW record made with --unbound-report
  run scan-gate --now "$NOW" --report "$TMP/repo-scan.json" --policy "$TMP/scan-policy.toml" --evidence "$1" --unbound-report
  expect_rc 0 "scan-gate --unbound-report ALLOW"
  expect_eq "$(jq -r '.records[-1].summary.unbound_report' "$1")" "true" "the record says unbound_report"
}

# Without --unbound-report the same report is refused (and an ERROR recorded): not bound to the subject.
new_evidence "$TMP/v0.json" v0 signature-review:ALLOW
run scan-gate --now "$NOW" --report "$TMP/repo-scan.json" --policy "$TMP/scan-policy.toml" --evidence "$TMP/v0.json"
expect_rc 2 "an unbound report without --unbound-report"
new_evidence "$TMP/v1.json" v1 signature-review:ALLOW

# Only an unbound scan: promote DENIES and names the opt-in.
unbound_scan "$TMP/v1.json"
run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --format json
expect_rc 1 "an unbound scan-gate ALLOW is not the image's scan"
check=$(jq -r '.checks[] | select(.name == "required-evidence") | "\(.passed) \(.message)"' <<<"$out")
expect_contains "$check" "false staging needs an ALLOW record from: scan-gate (only --unbound-report ALLOWs" "required-evidence fails"
expect_contains "$check" "allow_unbound_reports = true in [environments.staging]" "names the opt-in"
expect_eq "$(git -C "$TMP/work" rev-list --count HEAD)" "1" "nothing committed"

# The environment opts in: the same evidence promotes.
run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/opt-in.toml"
expect_rc 0 "allow_unbound_reports = true"

# An image scan next to a repository scan: the image scan decides, whichever ran last.
new_evidence "$TMP/v2.json" v2 signature-review:ALLOW scan-gate:ALLOW
unbound_scan "$TMP/v2.json"
run promote --env staging --evidence "$TMP/v2.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --format json
expect_rc 0 "bound image scan, then a repository scan"
new_evidence "$TMP/v3.json" v3 signature-review:ALLOW scan-gate:DENY
unbound_scan "$TMP/v3.json"
run promote --env staging --evidence "$TMP/v3.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --format json
expect_rc 1 "image scan DENY, then a clean repository scan"
expect_contains "$out" "scan-gate (newest is DENY)" "the image scan's DENY decides"

# The key is a boolean of an environment; anything else is a policy error naming it.
sed 's/^allow_unbound_reports = true$/allow_unbound_reports = "yes"/' "$TMP/opt-in.toml" >"$TMP/bad.toml"
run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/bad.toml"
expect_rc 2 "allow_unbound_reports must be a boolean"
expect_contains "$err" "allow_unbound_reports" "names the key"

finish
