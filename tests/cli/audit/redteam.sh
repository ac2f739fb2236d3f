# Red team of the audit reports: whoever can push to the GitOps repository writes ledger lines
# with hostile text. No format may turn that text into markup, links, extra series or script.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/history.bash"
build_history || { fail "building the history"; finish; }
A=(audit --now "$NOW")

# A hostile rollback line: links without brackets (GFM autolinks), an image, HTML, a table cell
# break, a fake Prometheus series, a script end tag and U+2028 in the actor.
cp -r "$TMP/work" "$TMP/hostile"
L="$TMP/hostile/relgate/prod/ledger.jsonl"
reason='x"} 1\nrelgate_fake_total{a=\"b\"} 99\n[c](https://evil.example/l) ![i](https://evil.example/i.png) <img src=x onerror=alert(1)> www.evil.example HTTPS://evil.example/a ftp://evil.example mallory@evil.example | col |\r\n# head'
actor='mallory\u2028</script><script>alert(1)</script>'
jq -c --arg r "$(printf '%b' "$reason")" --arg a "$(printf '%b' "$actor")" \
  'if .seq == 5 then .reason = $r | .actor = $a else . end' "$TMP/work/relgate/prod/ledger.jsonl" >"$L"
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
finish
