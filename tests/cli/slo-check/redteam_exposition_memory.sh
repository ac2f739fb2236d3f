#!/usr/bin/env bash
# Red team (slo-check, a hostile /metrics endpoint): parse_exposition keeps every sample of a
# scrape (name string, label vector, value, timestamp: ~85 bytes each) whether or not any figure
# uses it, so a scrape of short lines costs ~21x its size in memory. Measured on HEAD: a 16 MiB
# file of "a 1" lines peaks at 356 MB; 64 MiB (the --metrics-file cap) 1.39 GB; a 64 KiB gzip
# body that inflates to 64 MiB, served to --metrics-url (two scrapes held at once), 2.7 GB and 13 s.
# The 256 MiB decompressed cap of http_client would allow ~5.5 GB per scrape, ~11 GB per target.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
require_time
# DEFECT: remove this line once the exposition parser keeps only the series the policy reads (or
# caps the sample count). Input: 16 MiB of "a 1\n" as --metrics-file, peak RSS 356 MB today.
skip "defect: a scrape costs ~21x its size in memory (16 MiB of 'a 1' lines: 356 MB peak)"

python3 -c "import sys; sys.stdout.write('a 1\n' * (4 << 20))" >"$TMP/many.prom"
printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"

run_peak_rss slo-check --metrics-file "$TMP/many.prom" --policy "$TMP/policy.toml"
expect_rc 3 "no requests metric: inconclusive"
# 16 MiB read once plus a copy's worth of headroom; the unused samples must not be kept.
[ "$peak_kb" -lt 131072 ] || fail "16 MiB scrape of unused series: peak RSS ${peak_kb} KB, over 128 MiB"

finish
