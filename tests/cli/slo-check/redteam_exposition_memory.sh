#!/usr/bin/env bash
# Red team (slo-check, a hostile /metrics endpoint): parse_exposition kept every sample of a scrape
# (~85 bytes each) whether or not any figure used it, ~21x the scrape's size in memory: 16 MiB of
# "a 1" lines peaked at 356 MB, 64 MiB at 1.39 GB, a 64 KiB gzip body served to --metrics-url at
# 2.7 GB. The parser now checks every line but keeps only the samples of the metric names the policy
# reads, at most 100,000 of them per scrape (more: an error naming the cap, exit 2).
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
require_time

python3 -c "import sys; sys.stdout.write('a 1\n' * (4 << 20))" >"$TMP/many.prom"
printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"

run_peak_rss slo-check --metrics-file "$TMP/many.prom" --policy "$TMP/policy.toml"
expect_rc 3 "no requests metric: inconclusive"
# 16 MiB read once plus headroom (measured: 28 MB); the unused samples must not be kept.
[ "$peak_kb" -lt 65536 ] || fail "16 MiB scrape of unused series: peak RSS ${peak_kb} KB, over 64 MiB"

# Series the policy reads are kept, up to the cap: 100,001 of them are refused, named.
python3 -c "import sys; sys.stdout.write(''.join('http_requests_total{code=\"200\",id=\"%d\"} 1\n' % i for i in range(100001)))" \
  >"$TMP/wide.prom"
run slo-check --metrics-file "$TMP/wide.prom" --policy "$TMP/policy.toml"
expect_rc 2 "more series than the cap: an error"
expect_contains "$err" "wide.prom:100001: more than 100000 samples of the metrics the policy reads" "names the cap"
head -n 100000 "$TMP/wide.prom" >"$TMP/wide_ok.prom"
run slo-check --metrics-file "$TMP/wide_ok.prom" --policy "$TMP/policy.toml"
expect_rc 0 "100,000 series of requests without errors: ALLOW"

finish
