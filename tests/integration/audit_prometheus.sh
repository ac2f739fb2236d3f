#!/usr/bin/env bash
# audit's gate SLIs and DORA numbers read back through the real pipeline operators use: audit
# --format prom writes a .prom file into node_exporter's textfile directory (Debian
# prometheus-node-exporter), a real Prometheus scrapes it, and PromQL over the HTTP API returns
# the deny ratio, the deployment count and the change failure ratio of the history built here.
# `promtool check metrics` is clean on the file.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/audit/history.bash"
for tool in jq curl python3; do command -v $tool >/dev/null || skip "$tool is needed"; done
EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter)
if [ -z "$EXPORTER" ] || ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "prometheus, promtool and prometheus-node-exporter are not installed (not root: no apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-node-exporter \
    >"$TMP/apt.log" 2>&1 || skip "apt-get install prometheus prometheus-node-exporter failed"
  EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter)
fi

build_history || { fail "building the history"; finish; }
mkdir -p "$TMP/textfile"
# Written as node_exporter's README says: a temp name, then an atomic rename (audit --out does both).
run audit --now "$NOW" --repo "$TMP/work" --trusted-key "$TMP/evidence-key.pub.pem" --evidence "$TMP/v1.json" \
  --evidence "$TMP/v2.json" --evidence "$TMP/v3.json" --format prom --out "$TMP/textfile/relgate.prom"
expect_rc 0 "audit --format prom"
run promtool check metrics <"$TMP/textfile/relgate.prom"
expect_rc 0 "promtool check metrics"
[ -z "$out$err" ] || fail "promtool lint findings: $out$err"

EXPORTER_PORT=$(free_port 19710) || exit 1
"$EXPORTER" --web.listen-address="127.0.0.1:$EXPORTER_PORT" --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$TMP/textfile" >"$TMP/node-exporter.log" 2>&1 &
SLO_PIDS+=($!)
wait_http "http://127.0.0.1:$EXPORTER_PORT/metrics" 10 || { cat "$TMP/node-exporter.log"; exit 1; }
scraped=$(curl -s "http://127.0.0.1:$EXPORTER_PORT/metrics")
expect_contains "$scraped" 'node_textfile_scrape_error 0' "node_exporter read the file without error"
expect_contains "$scraped" 'relgate_deployments_total{app="api",env="prod"} 2' "exported by node_exporter"

PROM=$(free_port 19790) || exit 1
start_prometheus "$PROM" "      - targets: ['127.0.0.1:$EXPORTER_PORT']" || exit 1
value() { # value QUERY: waits for the first scrape
  local v deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ]; do
    v=$(prom_value "$PROM" "$1")
    [ "$v" != none ] && [ -n "$v" ] && { echo "$v"; return; }
    sleep 0.5
  done
  echo none
}
expect_eq "$(value 'relgate_gate_deny_ratio{gate="slo-check"}')" "0.16666666666666666" "slo-check deny ratio (1 of 6)"
expect_eq "$(value 'relgate_deployments_total{app="api",env="prod"}')" "2" "prod deployments"
expect_eq "$(value 'sum(relgate_deployments_total)')" "4" "all deployments"
expect_eq "$(value 'relgate_change_failure_ratio{app="api",env="prod"}')" "0.5" "prod change failure ratio"
expect_eq "$(value 'relgate_lead_time_seconds{app="api",quantile="0.5"}')" "10800" "lead time"
expect_eq "$(value 'relgate_failed_deployment_recovery_seconds{app="api",quantile="0.5"}')" "300" "recovery time"
expect_eq "$(value 'sum(relgate_gate_decisions_total{outcome="deny"}) / sum(relgate_gate_decisions_total)')" \
  "$(python3 -c 'print(4/21)')" "overall deny ratio (4 of 21 decisions)"
finish
