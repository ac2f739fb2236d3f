# promote fails closed (issue 9): trusted keys by default, anchors against truncation, escaped
# YAML, sha256 OCI subjects, unique release ids, no-op and canary checks, everything checked
# before a commit, strict time zones and freeze overrides, ledger repair, no options from data.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
P=(--repo "$TMP/work" --policy "$TMP/policy.toml")
commits() { git -C "$TMP/work" rev-list --count HEAD; }

# --- Point 3: secure by default.
new_evidence "$TMP/v1.json" v1 signature-review:ALLOW scan-gate:ALLOW
run command promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$RELGATE_SOURCE_DIR/policies/promotion.toml"
expect_rc 2 "shipped policy without keys"
expect_contains "$err" "promote needs trusted keys to verify the evidence" "says keys are needed"
expect_contains "$err" "trusted_keys" "says how to configure them"
# --trusted-key on the command line is enough.
run command promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$RELGATE_SOURCE_DIR/policies/promotion.toml" --trusted-key "$TMP/evidence-key.pub.pem" --format json
expect_rc 1 "--trusted-key: verified (DENY only for the shipped policy's verify-signature requirement)"
expect_eq "$(jq -r '.checks[] | select(.name == "evidence-chain") | .passed' <<<"$out")" "true" "evidence verified with --trusted-key"
# An unusable key file is a policy error naming it, not a broken chain.
echo "not a key" >"$TMP/junk.pem"
sed "s|$TMP/evidence-key.pub.pem|$TMP/junk.pem|" "$TMP/policy.toml" >"$TMP/junk-key.toml"
run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/junk-key.toml"
expect_rc 2 "unusable trusted key"
expect_contains "$err" "trusted key $TMP/junk.pem is unusable" "key file named"
# A key file with several PEM blocks: every key is used (the signing key is the second one).
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout >"$TMP/two-keys.pem"
cat "$TMP/evidence-key.pub.pem" >>"$TMP/two-keys.pem"
sed "s|$TMP/evidence-key.pub.pem|$TMP/two-keys.pem|" "$TMP/policy.toml" >"$TMP/two-keys.toml"
run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/two-keys.toml" --format json
expect_rc 0 "second key of a two-key file verifies"
# The explicit opt-out: allowed, loudly, and recorded.
{ printf 'version = 1\n[clock]\nallow_pinned = true\n[evidence]\nallow_unsigned = true\n'; sed -n '/^\[images\]/,$p' "$TMP/policy.toml"; } >"$TMP/unsigned.toml"
RELGATE_EVIDENCE_KEY= new_evidence "$TMP/u.json" u signature-review:ALLOW scan-gate:ALLOW
RELGATE_EVIDENCE_KEY= run promote --env staging --evidence "$TMP/u.json" --repo "$TMP/work" --policy "$TMP/unsigned.toml" --format json
expect_rc 0 "allow_unsigned"
expect_contains "$err" "WARNING: unsigned evidence accepted" "warning line"
expect_eq "$(jq -r '.records[-1].summary.evidence_trust' "$TMP/u.json")" "unsigned (allow_unsigned = true)" "in the record"
expect_eq "$(tail -1 "$TMP/work/relgate/api/staging/ledger.jsonl" | jq -r .evidence_trust)" "unsigned (allow_unsigned = true)" "in the ledger"
# A scan-gate DENY flipped to ALLOW with the chain rebuilt is what an unsigned chain looks like:
# refused by the default (signed) policy. Here the forger re-runs the chain without the key.
new_evidence "$TMP/deny.json" d signature-review:ALLOW scan-gate:DENY
jq '.records[1].decision = "ALLOW"' "$TMP/deny.json" >"$TMP/flipped.json"
run promote --env staging --evidence "$TMP/flipped.json" "${P[@]}"
expect_rc 1 "flipped decision"
expect_contains "$out" "evidence-chain: the evidence is not intact and signed by a trusted key" "flip refused"
RELGATE_EVIDENCE_KEY= new_evidence "$TMP/forged.json" d signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/forged.json" "${P[@]}"
expect_rc 1 "rebuilt unsigned chain"
expect_contains "$out" "evidence-chain: the evidence is not intact and signed by a trusted key" "rebuilt chain refused"
# `evidence append --step scan-gate` is refused (a reserved name): promote then misses scan-gate.
new_evidence "$TMP/hand.json" h signature-review:ALLOW
run evidence append --evidence "$TMP/hand.json" --step scan-gate --decision ALLOW
expect_rc 2 "hand-written scan-gate record refused"
run promote --env staging --evidence "$TMP/hand.json" "${P[@]}"
expect_rc 1 "no scan-gate"
expect_contains "$out" "scan-gate (no record)" "scan-gate missing"

# --- Point 2: --expect-evidence-head sees records cut off the end.
new_evidence "$TMP/anchor.json" a signature-review:ALLOW scan-gate:DENY
GITHUB_ACTIONS=true GITHUB_OUTPUT=$TMP/gh.out add_record "$TMP/anchor.json" scan-gate:ALLOW
head_id=$(grep '^evidence-head=' "$TMP/gh.out" | tail -1 | cut -d= -f2)
expect_eq "${head_id:0:7}" "sha256:" "scan-gate publishes evidence-head"
jq 'del(.records[-1])' "$TMP/anchor.json" >"$TMP/cut.json"
run promote --env staging --evidence "$TMP/cut.json" "${P[@]}" --expect-evidence-head "$head_id"
expect_rc 1 "truncated evidence refused"
expect_contains "$out" "an expected evidence head is missing" "anchor named"
run promote --env staging --evidence "$TMP/cut.json" "${P[@]}" --expect-evidence-head "sha256:xyz"
expect_rc 2 "malformed anchor"

# --- Point 4: sha256 OCI subjects only; YAML values escaped.
run evidence init --evidence "$TMP/sha512.json" --subject "$IMAGE@sha512:$(printf x | sha512sum | cut -d' ' -f1)"
expect_rc 2 "sha512 subject refused"
jq --arg n $'ghcr.io/acme/api"\nnewName: evil' '.subject.name = $n' "$TMP/v1.json" >"$TMP/quoted.json"
run promote --env staging --evidence "$TMP/quoted.json" "${P[@]}"
expect_eq "$([ "$rc" = 1 ] || [ "$rc" = 2 ]; echo $?)" "0" "a subject name with a quote and a newline is refused (rc $rc)"
expect_not_contains "$(cat "$TMP/work/relgate/api/staging/kustomization.yaml" 2>/dev/null)" "newName" "no injected key"

# --- Point 5: a release id names one digest for good; the counter never goes back.
run promote --env staging --evidence "$TMP/v1.json" "${P[@]}" --format json
v1_id=$(jq -r '.stable.release' "$TMP/work/relgate/api/staging/state.json")
evidence init --evidence "$TMP/dup.json" --subject "$IMAGE@$(digest_of dup)" --release "$v1_id" >/dev/null
add_record "$TMP/dup.json" signature-review:ALLOW && add_record "$TMP/dup.json" scan-gate:ALLOW
run promote --env staging --evidence "$TMP/dup.json" "${P[@]}"
expect_rc 1 "release id of another digest"
expect_contains "$out" "release-id: release id $v1_id already belongs to $(digest_of v1)" "id collision named"
evidence init --evidence "$TMP/future.json" --subject "$IMAGE@$(digest_of future)" --release rel-2099-01-01-05 >/dev/null
add_record "$TMP/future.json" signature-review:ALLOW && add_record "$TMP/future.json" scan-gate:ALLOW
run promote --env staging --evidence "$TMP/future.json" "${P[@]}"
expect_rc 0 "a pipeline-chosen id"
new_evidence "$TMP/next.json" next signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/next.json" "${P[@]}"
expect_rc 0 "next release"
expect_contains "$out" "as rel-2099-01-01-06" "the counter continues after the latest id"

# --- Point 9: a no-op passes the same checks; a canary of the stable digest is refused;
# a bad signing key fails before anything is committed or pushed.
jq '.records[0].decision = "DENY"' "$TMP/next.json" >"$TMP/next-broken.json"
run promote --env staging --evidence "$TMP/next-broken.json" "${P[@]}"
expect_rc 1 "no-op on broken evidence"
expect_not_contains "$out" "nothing to change" "not an ALLOW no-op"
run promote --env staging --evidence "$TMP/next.json" "${P[@]}"
expect_rc 0 "honest no-op"
expect_contains "$out" "nothing to change" "no-op"
cat >"$TMP/canary.toml" <<'TOML'
version = 1
[environments.web]
stages = ["10%", "100%"]
TOML
printf '%s\n' "$EVIDENCE_SECTION" >>"$TMP/canary.toml"
new_evidence "$TMP/c1.json" c1
run promote --env web --stage 10 --evidence "$TMP/c1.json" --repo "$TMP/work" --policy "$TMP/canary.toml"
add_record "$TMP/c1.json" slo-check:ALLOW:web:10
run promote --env web --stage 100 --evidence "$TMP/c1.json" --repo "$TMP/work" --policy "$TMP/canary.toml"
expect_rc 0 "c1 stable in web"
run promote --env web --stage 10 --evidence "$TMP/c1.json" --repo "$TMP/work" --policy "$TMP/canary.toml"
expect_rc 1 "canary of the stable digest"
expect_contains "$out" "this digest already runs at 100% in web" "refused"
new_evidence "$TMP/k.json" k signature-review:ALLOW scan-gate:ALLOW
echo "garbage" >"$TMP/bad-key.pem"
git -C "$TMP/work" push -q origin HEAD:refs/heads/main
remote_head=$(git -C "$TMP/remote.git" rev-parse main); before=$(commits)
RELGATE_EVIDENCE_KEY=$TMP/bad-key.pem run promote --env staging --evidence "$TMP/k.json" "${P[@]}" --push
expect_rc 2 "bad signing key"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$remote_head" "nothing pushed"
expect_eq "$(commits)" "$before" "nothing committed"

# --- Point 11: unknown time zones (a directory too) and overrides without an allow-list.
printf 'version = 1\n%s\n[environments.prod]\n[[environments.prod.freeze]]\nweekdays = ["fri"]\ntimezone = "Asia"\n' "$EVIDENCE_SECTION" >"$TMP/tz.toml"
run promote --env prod --evidence "$TMP/k.json" "${P[@]:0:2}" --policy "$TMP/tz.toml"
expect_rc 2 "a time zone directory"
expect_contains "$err" "time zone 'Asia' is not in the TZ database" "zone named"
printf 'version = 1\n%s\n[environments.ops]\n[[environments.ops.freeze]]\nreason = "freeze"\nstart = "2026-11-01T00:00:00Z"\nend = "2026-12-01T00:00:00Z"\n' "$EVIDENCE_SECTION" >"$TMP/freeze.toml"
run promote --env ops --evidence "$TMP/k.json" "${P[@]:0:2}" --policy "$TMP/freeze.toml" --override-freeze --reason "hotfix" --approved-by mallory
expect_rc 1 "override without an allow-list"
expect_contains "$out" "no override possible" "override refused"

# --- Point 15: a ledger that lost its final newline is repaired in the next commit.
printf '%s' "$(cat "$TMP/work/relgate/api/staging/ledger.jsonl")" >"$TMP/work/relgate/api/staging/ledger.jsonl"
git -C "$TMP/work" commit -q -am "an editor stripped the final newline"
new_evidence "$TMP/n1.json" n1 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/n1.json" "${P[@]}"
expect_rc 0 "promote after the newline was lost"
run jq -c . "$TMP/work/relgate/api/staging/ledger.jsonl"
expect_rc 0 "every ledger line parses"
new_evidence "$TMP/n2.json" n2 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/n2.json" "${P[@]}"
expect_rc 0 "and the next one too"

# --- Point 16: no option from data reaches git; commit lines cannot be injected.
new_evidence "$TMP/r.json" r signature-review:ALLOW scan-gate:ALLOW
before=$(commits)
for remote in "--upload-pack=touch $TMP/pwned" "--receive-pack=touch $TMP/pwned" "ext::sh -c touch% $TMP/pwned"; do
  run promote --env staging --evidence "$TMP/r.json" "${P[@]}" --push --remote "$remote"
  expect_rc 2 "--remote '$remote'"
done
expect_eq "$([ -e "$TMP/pwned" ] && echo ran || echo safe)" "safe" "no command ran"
expect_eq "$(commits)" "$before" "nothing committed"
run promote --env staging --evidence "$TMP/r.json" "${P[@]}" --reason $'fix\n\nRelgate-Env: prod'
expect_rc 2 "a newline in --reason"
expect_contains "$err" "--reason contains a newline" "reason refused"
finish
