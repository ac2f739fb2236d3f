#!/usr/bin/env bash
# policies/preflight.toml against a real node_exporter (Debian prometheus-node-exporter) on
# loopback: the shipped policy parses and fails closed on a host without its mount point; copies
# of it pointed at this test's own filesystem ALLOW with small thresholds and DENY with huge ones,
# with reasons in units people read ("free space 35.1 GiB < 1000 TiB on /").
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
exporter=$(command -v prometheus-node-exporter || command -v node_exporter) ||
  skip "prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter)"
command -v python3 >/dev/null || skip "python3 is needed to find a free port"

port=$(free_port $((21500 + RANDOM % 300))) || exit 1
"$exporter" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults --collector.filesystem \
  --collector.loadavg >"$TMP/exporter.log" 2>&1 &
SLO_PIDS+=($!)
wait_http "http://127.0.0.1:$port/metrics" 10 || { cat "$TMP/exporter.log"; exit 1; }
url="http://127.0.0.1:$port/metrics"
mount=$(df --output=target "$TMP" | tail -1)
curl -s "$url" | grep -q "node_filesystem_avail_bytes{.*mountpoint=\"$mount\"" ||
  skip "node_exporter does not report the test folder's filesystem ($mount)"
shipped="$RELGATE_SOURCE_DIR/policies/preflight.toml"

# policy COPY MIN_FREE MAX_LOAD: the shipped policy, pointed at this filesystem.
policy() {
  sed -e "s|mountpoint=\"/srv\"|mountpoint=\"$mount\"|" -e "s|where = \"on /srv\"|where = \"on $mount\"|" \
    -e "s|\">= 10GiB\"|\"$2\"|" -e "s|\"<= 2.0\"|\"$3\"|" "$shipped" >"$1"
  grep -q "mountpoint=\"$mount\"" "$1" && grep -q "$2" "$1" || { echo "policy copy failed" >&2; exit 1; }
}

# The shipped thresholds: 10 GiB and 2.0, as the issue asks.
expect_contains "$(cat "$shipped")" '">= 10GiB"' "shipped free-space threshold"
expect_contains "$(cat "$shipped")" '"<= 2.0"' "shipped load threshold"
run slo-check --metrics-url "$url" --policy "$shipped" --format json
if [ "$mount" != /srv ] && ! curl -s "$url" | grep -q 'mountpoint="/srv"'; then
  expect_rc 1 "shipped policy on a host without /srv: no data is DENY"
  expect_contains "$(jq -r '.reasons | join("\n")' <<<"$out")" "free space: no data" "says why"
fi

policy "$TMP/allow.toml" ">= 1MiB" "<= 1000"
run slo-check --metrics-url "$url" --policy "$TMP/allow.toml" --window 1s
expect_rc 0 "ALLOW with room to spare"
expect_contains "$out" "free space" "free space measured"
expect_contains "$out" " GiB" "shown in GiB"

policy "$TMP/deny-disk.toml" ">= 1000TiB" "<= 1000"
run slo-check --metrics-url "$url" --policy "$TMP/deny-disk.toml" --window 1s --format json
expect_rc 1 "DENY: not 1000 TiB free"
reason=$(jq -r '.reasons[0]' <<<"$out")
[[ "$reason" =~ ^free\ space\ [0-9.]+\ (GiB|TiB|MiB)\ \<\ 1000\ TiB\ on\ $mount\ \(target ]] ||
  fail "reason in readable units: got '$reason'"
expect_eq "$(jq -r '.summary.objectives[0].unit' <<<"$out")" "bytes" "unit recorded"
free=$(jq -r '.summary.objectives[0].value' <<<"$out")
df_free=$(($(df --output=avail -B1 "$TMP" | tail -1)))
# The same filesystem read by df and by node_exporter, seconds apart: within 5%.
awk -v a="$free" -v b="$df_free" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.05 * b + 1048576) }' ||
  fail "node_exporter's free space $free differs from df's $df_free"

policy "$TMP/deny-load.toml" ">= 1MiB" "< 0"
run slo-check --metrics-url "$url" --policy "$TMP/deny-load.toml" --window 1s
expect_rc 1 "DENY: load1 is never below 0"
expect_contains "$out" "load1 " "load reason"
expect_contains "$out" ">= 0 (target" "load threshold shown"

# Strict: a typo in a gauge selector or an unknown key is exit 2 naming it.
sed 's/mountpoint="/mountpoint=~"/' "$TMP/allow.toml" >"$TMP/regex.toml"
run slo-check --metrics-url "$url" --policy "$TMP/regex.toml"
expect_rc 2 "regex matcher refused"
expect_contains "$err" "gauge" "names the key"
printf 'minimum_free = "10GiB"\n' >>"$TMP/allow.toml"
run slo-check --metrics-url "$url" --policy "$TMP/allow.toml"
expect_rc 2 "unknown key refused"
finish
