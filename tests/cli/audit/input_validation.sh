# Every input is validated: a broken chain, an unsigned record when keys are given, a hand-edited
# ledger, a bad history line, bad flags: exit 2 naming the file and the field, nothing written.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/history.bash"
build_history || { fail "building the history"; finish; }
K=(--trusted-key "$TMP/evidence-key.pub.pem")
A=(audit --now "$NOW")

run audit --help
expect_rc 0 "--help"
expect_contains "$out" "--format" "help lists the options"
run audit --version
expect_rc 0 "--version"
expect_contains "$out" "audit (relgate)" "version"
run "${A[@]}" --repo "$TMP/work"
expect_rc 2 "no --format"
expect_contains "$err" "--format is required" "says what is missing"
run "${A[@]}" --repo "$TMP/work" --format pdf
expect_rc 2 "unknown format"
run "${A[@]}" --format markdown --evidence "$TMP/v1.json"
expect_rc 2 "markdown without --repo"
expect_contains "$err" "needs --repo" "names --repo"
run "${A[@]}" --format summary --evidence "$TMP/v1.json" --evidence "$TMP/v2.json"
expect_rc 2 "summary of two files"
run "${A[@]}" --repo "$TMP/work" --env nope --format json
expect_rc 2 "unknown env"
expect_contains "$err" "has no relgate/<app>/nope/ (known: api/prod, api/staging)" "lists the environments"
run "${A[@]}" --repo "$TMP/work" --env 'Prod ' --format json
expect_rc 2 "bad env name"
run "${A[@]}" --repo "$TMP/work" --app web --format json
expect_rc 2 "unknown app"
expect_contains "$err" "--app web: $TMP/work has no relgate/web/ (known: api)" "lists the applications"
run "${A[@]}" --repo "$TMP/work" --app '../api' --format json
expect_rc 2 "bad app name"
expect_contains "$err" "--app ../api:" "names --app"
run "${A[@]}" --app web --format summary --evidence "$TMP/v1.json"
expect_rc 2 "summary of another application's release"
expect_contains "$err" "its release belongs to application 'api', not --app web" "names both applications"
run "${A[@]}" --repo "$TMP/work" --app api --env staging --format json
expect_rc 0 "--app with --env"
expect_eq "$(jq -c '[.environments[] | [.app, .env]]' <<<"$out")" '[["api","staging"]]' "only api's staging"
# The single-application layout (relgate/<env>/, before promote --migrate-layout) is read too: its
# application is the image its state names, and the figures are the same.
cp -r "$TMP/work" "$TMP/legacy"
if [ -d "$TMP/legacy/relgate/api" ]; then
  mv "$TMP/legacy/relgate/api"/* "$TMP/legacy/relgate/" && rmdir "$TMP/legacy/relgate/api"
fi
run "${A[@]}" --repo "$TMP/work" --format json --evidence "$TMP/v1.json" --evidence "$TMP/v2.json"
new_layout=$(jq -c '[.apps, .dora, [.environments[] | [.app, .env, .stable.release_id]]]' <<<"$out")
run "${A[@]}" --repo "$TMP/legacy" --format json --evidence "$TMP/v1.json" --evidence "$TMP/v2.json"
expect_rc 0 "single-application layout"
expect_eq "$(jq -c '[.environments[] | [.app, .env]]' <<<"$out")" '[["api","prod"],["api","staging"]]' "legacy folders belong to api"
expect_eq "$(jq -c '[.apps, .dora, [.environments[] | [.app, .env, .stable.release_id]]]' <<<"$out")" "$new_layout" \
  "same applications, DORA and environments in both layouts"
run audit --now yesterday --repo "$TMP/work" --format json
expect_rc 2 "bad --now"

# Evidence: a record edited after the fact breaks the chain.
jq '.records[1].reasons = ["looks fine"]' "$TMP/v2.json" >"$TMP/edited.json"
run "${A[@]}" --format summary --evidence "$TMP/edited.json"
expect_rc 2 "edited evidence"
expect_contains "$err" "$TMP/edited.json: evidence chain broken" "names the file"
# Signed by a key nobody trusts.
openssl genpkey -algorithm ed25519 -out "$TMP/other.pem" 2>/dev/null
openssl pkey -in "$TMP/other.pem" -pubout -out "$TMP/other.pub.pem"
run "${A[@]}" --format summary --evidence "$TMP/v1.json" --trusted-key "$TMP/other.pub.pem"
expect_rc 2 "untrusted signer"
run "${A[@]}" --format summary --evidence "$TMP/v1.json" "${K[@]}"
expect_rc 0 "trusted signer"
run "${A[@]}" --format summary --evidence "$TMP/missing.json"
expect_rc 2 "missing evidence file"
expect_contains "$err" "missing.json" "names it"

# Ledger: an unknown action, a bad time.
cp -r "$TMP/work" "$TMP/edited-work"
P=$(prod_ledger) || fail "no prod ledger in the history"
sed -i '2s/"action":"promote"/"action":"deploy"/' "$TMP/edited-work/$P"
run "${A[@]}" --repo "$TMP/edited-work" --format json
expect_rc 2 "unknown ledger action"
expect_contains "$err" "$P entry seq 2: action \"deploy\" is not promote, rollback or drill" "file, entry, field"
cp "$TMP/work/$P" "$TMP/edited-work/$P"
sed -i '3s/"time":"[^"]*"/"time":"yesterday"/' "$TMP/edited-work/$P"
run "${A[@]}" --repo "$TMP/edited-work" --format json
expect_rc 2 "bad ledger time"
expect_contains "$err" "entry seq 3: time \"yesterday\"" "names the time"

# History: strict lines.
good='{"schema":"relgate.slo-history/v1","at":"2026-11-18T10:39:00Z","env":"prod","stage":10,"subject":null,"decision":"DENY","error_rate":0.3,"latency_p50_seconds":null,"latency_p99_seconds":0.2,"reasons":["error rate 30.0% > 1%"]}'
printf '%s\n' "$good" >"$TMP/history.jsonl"
run "${A[@]}" --repo "$TMP/work" --history "$TMP/history.jsonl" --format json
expect_rc 0 "valid history"
expect_eq "$(jq -r '.health_history[0].deny' <<<"$out")" "1" "sample counted"
# The history DENY at 10:39 precedes the evidence DENY at 10:40: recovery counts from it.
expect_eq "$(jq -r '.dora.failed_deployment_recovery.failures[0].seconds' <<<"$out")" "360" "recovery from the first DENY"
for bad in '"error_rate":0.3/"error_rate":3' '"decision":"DENY"/"decision":"deny"' '"stage":10/"stage":"10"' \
  '"reasons"/"reason"' 'relgate.slo-history\/v1/relgate.slo-history\/v9' '"at":"2026-11-18T10:39:00Z"/"at":"now"'; do
  printf '%s\n%s\n' "$good" "$(sed "s/$bad/" <<<"$good")" >"$TMP/bad.jsonl"
  run "${A[@]}" --repo "$TMP/work" --history "$TMP/bad.jsonl" --format json
  expect_rc 2 "bad history ($bad)"
  expect_contains "$err" "$TMP/bad.jsonl:2:" "names path:line ($bad)"
done

# --out: written atomically, never through a symlink; nothing written on an error.
ln -s "$TMP/elsewhere.md" "$TMP/link.md"
run "${A[@]}" --repo "$TMP/work" --format markdown --out "$TMP/link.md"
expect_rc 2 "--out symlink"
[ ! -e "$TMP/elsewhere.md" ] || fail "wrote through the symlink"
run "${A[@]}" --repo "$TMP/edited-work" --format markdown --out "$TMP/never.md"
expect_rc 2 "bad input"
[ ! -e "$TMP/never.md" ] || fail "a report was written from bad input"
finish
