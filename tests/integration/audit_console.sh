#!/usr/bin/env bash
# The release console (audit --format html) in a real browser: Debian's chromium, headless, loads
# the page from disk with networking features off, and the rendered DOM shows the numbers of the
# history built here. Any console message or CSP violation fails the test; a tampered copy of the
# page (script changed, hash not) must produce a CSP violation, so the check itself is live.
# The screenshot stays in the test folder (console.png).
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/audit/history.bash"
CHROMIUM=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROMIUM" ]; then
  [ "$(id -u)" = 0 ] || skip "chromium is not installed (not root: no apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >"$TMP/apt.log" 2>&1 ||
    skip "apt-get install chromium failed"
  CHROMIUM=$(command -v chromium) || skip "chromium could not be installed"
fi

build_history || { fail "building the history"; finish; }
history='{"schema":"relgate.slo-history/v1","at":"2026-11-18T10:39:00Z","env":"prod","stage":10,"subject":null,"decision":"DENY","error_rate":0.3,"latency_p50_seconds":null,"latency_p99_seconds":0.2,"reasons":["</script><script>alert(1)</script>"]}'
printf '%s\n' "$history" >"$TMP/history.jsonl"
run audit --now "$NOW" --repo "$TMP/work" --trusted-key "$TMP/evidence-key.pub.pem" --evidence "$TMP/v1.json" \
  --evidence "$TMP/v2.json" --evidence "$TMP/v3.json" --history "$TMP/history.jsonl" --format html --out "$TMP/console.html"
expect_rc 0 "audit --format html"

browse() { # browse PAGE NAME: DOM in $TMP/NAME.dom, browser log in $TMP/NAME.log
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/chromium-$2" \
    --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom "file://$1" >"$TMP/$2.dom" 2>"$TMP/$2.log"
}
browse "$TMP/console.html" console || fail "chromium exited $?"
# Page messages only: chromium's own lines about D-Bus or GPU in a container are not the page's.
problems=$(grep -E 'CONSOLE|Content Security Policy|Refused to|Uncaught' "$TMP/console.log")
[ -z "$problems" ] || fail "console messages or CSP violations: $problems"
dom=$(cat "$TMP/console.dom")
expect_contains "$dom" 'data-rendered="true"' "the script ran to the end"
tile() { grep -o "data-metric=\"$1\"><div class=\"label\">[^<]*</div><div class=\"value\">[^<]*" "$TMP/console.dom" | sed 's/.*class="value">//'; }
expect_eq "$(tile cfr-api-prod)" "50.0%" "change failure rate tile"
expect_eq "$(tile deployments-api-prod)" "2" "deployments tile"
expect_eq "$(tile lead-time)" "3.0 h" "lead time tile"
expect_eq "$(tile recovery-time)" "6.0 min" "recovery tile (from the history DENY at 10:39)"
expect_eq "$(tile env-api-prod)" "rel-2026-11-17-01" "prod runs the release rolled back to"
expect_contains "$dom" "<div class=\"label\">api/prod</div>" "environment tiles name application and environment"
expect_contains "$dom" '<svg width="610" height="114" role="img" id="deny-chart">' "deny-rate chart, one bar per gate"
expect_contains "$dom" '>16.7% of 6</text>' "slo-check bar label"
expect_contains "$dom" 'id="latency-chart"' "latency chart"
expect_contains "$dom" '<td class="DENY">DENY</td>' "decisions table"
expect_contains "$dom" '<span id="decision-count">22 shown</span>' "every decision listed"
expect_contains "$dom" 'GPL | in &lt;script&gt;alert(1)&lt;/script&gt; "q" \ back' "hostile reason shown as text"
expect_not_contains "$dom" '<script>alert' "no data became markup"

timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/chromium-shot" \
  --virtual-time-budget=3000 --window-size=1280,2400 --screenshot="$TMP/console.png" "file://$TMP/console.html" \
  >/dev/null 2>&1
[ -s "$TMP/console.png" ] || fail "no screenshot"

# The check is live: a script changed after the page was made is refused by the CSP, and seen.
sed 's/document.body.setAttribute/console.error("tampered"); document.body.setAttribute/' "$TMP/console.html" \
  >"$TMP/tampered.html"
browse "$TMP/tampered.html" tampered
grep -qE 'Content Security Policy|Refused to' "$TMP/tampered.log" || fail "a tampered script ran or was not reported"
expect_not_contains "$(cat "$TMP/tampered.dom")" 'data-rendered="true"' "tampered script blocked"
finish
