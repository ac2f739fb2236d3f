#!/usr/bin/env bash
# Hash flooding (red team): keys that share one libstdc++ std::hash made the duplicate-key index of
# a large object quadratic (100,000 keys: 195 s). The index now hashes with XXH3 seeded per run
# (text_hash.hpp): colliding keys cost what ordinary ones do. A complexity guard with a wide
# margin (20x + 3 s), not a benchmark: quadratic behaviour is ~100x here.
here=$(cd "$(dirname "$0")" && pwd)
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
cd "$TMP"
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
python3 "$here/std_hash_collisions.py" 17 30000 > flood.json          # 13.6 MB, 30,000 keys of 272 bytes
python3 -c "
import sys
body=','.join('\"k%07d-%s\":0' % (i,'x'*263) for i in range(30000))
sys.stdout.write('{\"SchemaVersion\":2,\"ArtifactName\":\"x\",\"x\":{'+body+'},\"Results\":[]}')" > plain.json
t0=$(date +%s%N); run scan-gate --report plain.json --policy policy.toml --unbound-report; t1=$(date +%s%N)
expect_rc 0 "30,000 plain keys"
run timeout 60 scan-gate --report flood.json --policy policy.toml --unbound-report; t2=$(date +%s%N)
expect_rc 0 "30,000 keys with one std::hash"
plain_ms=$(((t1 - t0) / 1000000)); flood_ms=$(((t2 - t1) / 1000000))
echo "plain ${plain_ms} ms, colliding ${flood_ms} ms"
[ "$flood_ms" -le $((20 * plain_ms + 3000)) ] || fail "colliding keys took ${flood_ms} ms, plain ${plain_ms} ms"
finish
