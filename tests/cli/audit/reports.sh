# audit over a real history (promote, slo-check, rollback, scan-gate, verify-signature, signed
# evidence): the summary of a complete and of a stopped release and audit_report.md against golden
# files; prom passes promtool; json carries the numbers; html is one self-contained page.
# Regenerate the golden files after a reviewed change: RELGATE_REGEN_GOLDEN=1 ctest -R cli.audit.reports
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/history.bash"
build_history || { fail "building the history"; finish; }
K=(--trusted-key "$TMP/evidence-key.pub.pem")
A=(audit --now "$NOW" --repo "$TMP/work" "${K[@]}")

run "${A[@]}" --evidence "$TMP/v1.json" --format summary
expect_rc 0 "summary of v1"
printf '%s\n' "$out" >"$TMP/summary-complete.txt"
golden summary-complete.txt "$TMP/summary-complete.txt"
expect_contains "$out" "result: release complete with audit trail id rel-2026-11-17-01" "complete"
expect_contains "$out" "  canary_10: healthy (error rate 0.0%, p99 50 ms)" "stage health with figures"

run "${A[@]}" --evidence "$TMP/v2.json" --format summary
expect_rc 0 "summary of v2"
printf '%s\n' "$out" >"$TMP/summary-stopped.txt"
golden summary-stopped.txt "$TMP/summary-stopped.txt"
expect_contains "$out" "result: release stopped at canary_10: error rate 32.2% > 1%" "stopped, with the reason"
expect_contains "$out" "; rolled back to rel-2026-11-17-01" "rolled back to"

run "${A[@]}" --evidence "$TMP/v3.json" --format summary
expect_contains "$out" "result: release stopped at vulnerability_policy:" "denied by scan-gate"

# Summary needs no repository.
run audit --now "$NOW" --evidence "$TMP/v1.json" --format summary
expect_rc 0 "summary without --repo"

E=(--evidence "$TMP/v1.json" --evidence "$TMP/v2.json" --evidence "$TMP/v3.json")
run "${A[@]}" "${E[@]}" --format markdown --out "$TMP/audit_report.md"
expect_rc 0 "markdown"
expect_eq "$out" "" "--out: nothing on stdout"
golden audit_report.md "$TMP/audit_report.md"
md=$(cat "$TMP/audit_report.md")
expect_not_contains "$md" "<script>" "hostile reason escaped"
expect_contains "$md" 'GPL \| in &lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; \\ back<br>second line' "escaped cell"

# prom: promtool clean, expected numbers, no digests or ids as labels.
run "${A[@]}" "${E[@]}" --format prom
expect_rc 0 "prom"
printf '%s\n' "$out" >"$TMP/audit.prom"
expect_contains "$out" 'relgate_deployments_total{app="api",env="prod"} 2' "prod deployments"
expect_contains "$out" 'relgate_deployments_total{app="api",env="staging"} 2' "staging deployments (v3 was denied)"
expect_contains "$out" 'relgate_change_failure_ratio{app="api",env="prod"} 0.5' "CFR"
expect_contains "$out" 'relgate_gate_deny_ratio{gate="slo-check"} 0.16666666666666666' "slo-check deny ratio (1 of 6)"
expect_contains "$out" 'relgate_gate_decisions_total{gate="scan-gate",outcome="deny"} 1' "scan-gate deny"
expect_contains "$out" 'relgate_gate_deny_ratio{gate="promote"} 0.14285714285714285' "promote: 1 DENY of 7"
expect_contains "$out" 'relgate_lead_time_seconds{app="api",quantile="0.5"} 10800' "lead time v1 08:00 -> 11:00"
expect_contains "$out" 'relgate_failed_deployment_recovery_seconds{app="api",quantile="0.5"} 300' "DENY 10:40 -> rollback 10:45"
expect_not_contains "$out" "sha256:" "no digests"
expect_not_contains "$out" "rel-2026" "no release ids"
if command -v promtool >/dev/null; then
  run promtool check metrics <"$TMP/audit.prom"
  expect_rc 0 "promtool check metrics"
  [ -z "$err$out" ] || fail "promtool lint: $err$out"
else
  echo "note: promtool not installed; lint not checked"
fi

run "${A[@]}" "${E[@]}" --format json
expect_rc 0 "json"
expect_eq "$(jq -r '.schema + " " + .step' <<<"$out")" "relgate.audit/v1 audit" "schema and step"
expect_eq "$(jq -r '.dora.failed_deployment_recovery.failures[0].seconds' <<<"$out")" "300" "recovery in json"
expect_eq "$(jq -r '[.releases[].outcome] | join(",")' <<<"$out")" "complete,stopped,stopped" "release outcomes"
expect_eq "$(jq -r '.environments[] | select(.env == "prod") | .stable.release_id' <<<"$out")" "rel-2026-11-17-01" "prod stable after the rollback"
expect_eq "$(jq '[.violations[] as $i | .decisions[$i].gate] | sort | join(",")' -r <<<"$out")" \
  "license-check,promote,scan-gate,slo-check" "every DENY is a violation"
expect_eq "$(jq -r '.inputs.evidence | map(.signatures_checked) | all' <<<"$out")" "true" "signatures checked"

run "${A[@]}" "${E[@]}" --format html --out "$TMP/console.html"
expect_rc 0 "html"
html=$(cat "$TMP/console.html")
expect_contains "$html" "Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-" "CSP"
expect_not_contains "$html" "<script>alert" "data never markup"
expect_eq "$(grep -o "https\?://[A-Za-z0-9./_-]*" "$TMP/console.html" | sort -u | tr "\n" " ")" "http://www.w3.org/2000/svg " "no URL but the SVG namespace"
[ "$(grep -o '</script>' "$TMP/console.html" | wc -l)" = 2 ] || fail "exactly two script blocks end"
# The CSP hashes are those of the inline style and script.
if command -v python3 >/dev/null; then
  python3 - "$TMP/console.html" <<'PY' || fail "CSP hashes do not match the inline style and script"
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r"content=\"(default-src[^\"]*)\"", page).group(1)
style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
script = re.findall(r"<script>(.*?)</script>", page, re.S)[0]
for body in (style, script):
    h = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
    if h not in csp:
        sys.exit("missing " + h)
PY
fi
finish
