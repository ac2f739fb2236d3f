#!/usr/bin/env bash
# Regenerates answers.txt: histogram_quantile as Prometheus itself computes it, for the bucket
# sets in histograms.om (backfilled with promtool, queried at their timestamp). Run by hand;
# test_histogram_quantile.cpp carries the answers. Needs prometheus, promtool, curl, jq.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
promtool tsdb create-blocks-from openmetrics "$here/histograms.om" "$work/tsdb" >/dev/null
echo "scrape_configs: []" >"$work/prom.yml"
port=${ORACLE_PORT:-19591}
prometheus --config.file="$work/prom.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=100y >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s "127.0.0.1:$port/-/ready" | grep -q Ready && break; sleep 0.2; done
for h in h1 h2 h3 h4 h5 h6 h7 h8 h9; do
  for q in 0 0.2 0.5 0.7 0.9 0.95 0.99 0.999 1; do
    v=$(curl -s -G "127.0.0.1:$port/api/v1/query" --data-urlencode "query=histogram_quantile($q, $h)" \
      --data-urlencode time=1700000000 | jq -r '[.data.result[].value[1]] | join(",")')
    echo "$h $q $v"
  done
done >"$here/answers.txt"
prometheus --version 2>&1 | head -1 >"$here/prometheus-version.txt"
