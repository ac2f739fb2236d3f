#!/usr/bin/env bash
# Red team (round three, 572b354): the dedup index now hashes the three key texts' seeded hashes
# instead of their pool handles. Held: (id, package, version) triples that split one text
# differently ("CVE-1a","bc" / "CVE-1ab","c"), move it between fields or swap fields stay apart
# (no finding lost: one unique finding per triple), each repeated in a second report merges, and
# 60,000 such findings cost what 60,000 random ones do (a complexity guard with a wide margin,
# 5x + 3 s, not a benchmark; a flooded index is quadratic). Trivy carries the prefetch hint; the
# same findings as Grype matches (no hint) give the same counts.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
python3 - <<'PY'
import json, random
def structured(n):
    out = []
    i = 0
    while len(out) < n:
        s = "%06dxyz" % i  # 9 characters, every split of them between the three fields
        for a in range(1, 10):
            for b in range(a + 1, 10):  # Trivy needs a package: never empty
                out.append(("CVE-" + s[:a], s[a:b], s[b:]))
        i += 1
    return out[:n]
def plain(n):
    rng = random.Random(7)
    return [("CVE-%d" % rng.getrandbits(40), "p%d" % rng.getrandbits(20), "%d" % i) for i in range(n)]
def trivy(triples):
    vulns = [{"VulnerabilityID": i, "PkgName": p, "InstalledVersion": v, "Severity": "LOW"} for i, p, v in triples]
    return {"SchemaVersion": 2, "ArtifactName": "img", "Results": [{"Target": "t", "Vulnerabilities": vulns}]}
def grype(triples):
    return {"matches": [{"vulnerability": {"id": i, "severity": "Low"}, "artifact": {"name": p, "version": v}}
                        for i, p, v in triples]}
base = structured(50000)
taken = set(base)
swapped = [(i, v, p) for i, p, v in base if v and (i, v, p) not in taken][:10000]  # package <-> version
s, p = base + swapped, plain(60000)
assert len(set(s)) == len(s) == 60000
json.dump(trivy(s), open("split.json", "w"))
json.dump(trivy(p), open("plain.json", "w"))
json.dump(grype(s), open("split_grype.json", "w"))
PY
t0=$(date +%s%N)
run scan-gate --report plain.json --policy policy.toml --unbound-report --format json
t1=$(date +%s%N)
expect_rc 0 "60,000 random findings"
expect_eq "$(jq .summary.findings.unique <<<"$out")" 60000 "60,000 random findings, each unique"
run scan-gate --report split.json --policy policy.toml --unbound-report --format json
t2=$(date +%s%N)
expect_rc 0 "60,000 findings splitting shared texts"
expect_eq "$(jq .summary.findings.unique <<<"$out")" 60000 "splits, moves and swaps of one text stay apart"
plain_ms=$(((t1 - t0) / 1000000)); split_ms=$(((t2 - t1) / 1000000))
echo "random ${plain_ms} ms, split texts ${split_ms} ms"
[ "$split_ms" -le $((5 * plain_ms + 3000)) ] || fail "split texts took ${split_ms} ms, random ${plain_ms} ms"
run scan-gate --report split.json --report split_grype.json --policy policy.toml --unbound-report --format json
expect_rc 0 "the same findings from Trivy (hinted) and Grype (not)"
expect_eq "$(jq -c '.summary.findings | [.records, .unique]' <<<"$out")" "[120000,60000]" "Trivy and Grype repeats merge"
finish
