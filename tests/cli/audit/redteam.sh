# Red team of the audit reports: whoever can push to the GitOps repository writes ledger lines
# with hostile text. No format may turn that text into markup, links, extra series or script.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/history.bash"
build_history || { fail "building the history"; finish; }
A=(audit --now "$NOW")

# A hostile rollback line: links without brackets (GFM autolinks), an image, HTML, a table cell
# break, a fake Prometheus series, a script end tag and U+2028 in the actor.
cp -r "$TMP/work" "$TMP/hostile"
P=$(prod_ledger) || fail "no prod ledger in the history"
L="$TMP/hostile/$P"
reason='x"} 1\nrelgate_fake_total{a=\"b\"} 99\n[c](https://evil.example/l) ![i](https://evil.example/i.png) <img src=x onerror=alert(1)> www.evil.example HTTPS://evil.example/a ftp://evil.example mallory@evil.example | col |\r\n# head'
actor='mallory\u2028</script><script>alert(1)</script>'
jq -c --arg r "$(printf '%b' "$reason")" --arg a "$(printf '%b' "$actor")" \
  'if .seq == 5 then .reason = $r | .actor = $a else . end' "$TMP/work/$P" >"$L"
expect_contains "$(cat "$L")" "evil.example" "the hostile line is in the ledger"

run "${A[@]}" --repo "$TMP/hostile" --format markdown --out "$TMP/hostile.md"
expect_rc 0 "markdown of a hostile ledger"
md=$(cat "$TMP/hostile.md")
expect_contains "$md" "mallory" "the hostile row is in the report"
for raw in "https://evil" "HTTPS://evil" "ftp://evil" "www.evil" "mallory@evil" "<img" "<script"; do
  expect_not_contains "$md" "$raw" "markdown keeps no live '$raw'"
done
# As GitHub renders it (cmark-gfm with its extensions), when that renderer is installed.
if command -v cmark-gfm >/dev/null; then
  html=$(cmark-gfm -e table -e autolink -e strikethrough -e tagfilter "$TMP/hostile.md")
  expect_not_contains "$html" "<a " "rendered markdown has no link"
  expect_not_contains "$html" "<img" "rendered markdown has no image"
  expect_not_contains "$html" "<h1>head" "rendered markdown has no injected heading"
  expect_contains "$html" "HTTPS://evil.example/a" "the URL is shown as text"
  expect_contains "$html" "mallory" "the address is shown as text"
  # Every table row keeps the table's column count.
  cols=$(grep -o '<th>' <<<"$(sed -n '/<h2>Timeline/,/<\/table>/p' <<<"$html")" | wc -l)
  while read -r row; do
    n=$(grep -o '<td' <<<"$row" | wc -l)
    [ "$n" = "$cols" ] || fail "timeline row with $n cells, table has $cols: $row"
  done < <(sed -n '/<h2>Timeline/,/<\/table>/p' <<<"$html" | tr -d '\n' | sed 's#</tr>#</tr>\n#g' | grep '<td')
fi

run "${A[@]}" --repo "$TMP/hostile" --format prom
expect_rc 0 "prom of a hostile ledger"
expect_not_contains "$out" "relgate_fake_total" "no extra series"

run "${A[@]}" --repo "$TMP/hostile" --format html --out "$TMP/hostile.html"
expect_rc 0 "html of a hostile ledger"
expect_eq "$(grep -o '<script' "$TMP/hostile.html" | wc -l)" "2" "only the data block and the page's script"
expect_not_contains "$(cat "$TMP/hostile.html")" "<img" "no tag from data"
# A drill record that says "success" although a phase failed (or its decision is DENY) is not a
# drill result rollback writes: refused, not counted as a passed drill. Unsigned evidence (no
# --trusted-key) is exactly where such a record can be made, so the chain is rebuilt here.
cat >"$TMP/drill.py" <<'PY'
import hashlib, json, sys
src, dst, phase, decision = sys.argv[1:5]
doc = json.load(open(src))
def canon(v): return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
rec = dict(next(r for r in doc["records"] if r["step"] == "rollback"))
rec["decision"] = decision
rec["summary"] = {"env": "prod", "mode": "drill", "result": "success", "failed_phase": phase,
                  "phases_ms": {"rollback": 10, "converge": 90000, "post_check": None, "roll_forward": None},
                  "recovery_ms": 90010, "from_digest": None, "to_digest": None, "to_release": "rel-2026-11-17-01",
                  "rolled_forward": False}
doc["records"].append(rec)
prev = "sha256:" + hashlib.sha256(canon({k: doc[k] for k in ("schema", "subject", "release")}).encode()).hexdigest()
for r in doc["records"]:
    r.pop("signature", None)
    r["prev"] = prev
    body = {k: v for k, v in r.items() if k != "hash"}
    r["hash"] = prev = "sha256:" + hashlib.sha256(canon(body).encode()).hexdigest()
json.dump(doc, open(dst, "w"), indent=2)
PY
python3 "$TMP/drill.py" "$TMP/v2.json" "$TMP/drill-ok.json" "" ALLOW || fail "forging the drill record"
run "${A[@]}" --repo "$TMP/work" --evidence "$TMP/drill-ok.json" --format json
expect_rc 0 "a consistent unsigned drill record is read"
expect_eq "$(jq -r '.drills[-1].result' <<<"$out")" "success" "and counted"
for bad in "converge ALLOW" " DENY"; do
  read -r phase decision <<<"$bad"
  [ -z "$decision" ] && { decision=$phase; phase=""; }
  python3 "$TMP/drill.py" "$TMP/v2.json" "$TMP/drill-bad.json" "$phase" "$decision" || fail "forging"
  run "${A[@]}" --repo "$TMP/work" --evidence "$TMP/drill-bad.json" --format json
  expect_rc 2 "drill 'success' with failed_phase '$phase', decision $decision"
  expect_contains "$err" "drill-bad.json: records[" "names the file and the record"
done
finish
