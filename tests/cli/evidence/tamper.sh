#!/usr/bin/env bash
# Tampering with a real evidence file: verify exits 1 naming the first bad record, or 2 when
# the edit leaves no evidence file at all; never 0.
source "$(dirname "$0")/../lib.sh"

digest="sha256:$(printf 'tamper' | sha256sum | cut -d' ' -f1)"
ev="$TMP/e.json"
evidence init --evidence "$ev" --subject "api@$digest" > /dev/null || fail "init"
for i in 0 1 2 3 4; do
  evidence append --evidence "$ev" --step "step-$i" --decision ALLOW --reason "reason-$i" \
    --summary "{\"ratio\":0.$i}" > /dev/null || fail "append $i"
done
run evidence verify --evidence "$ev"
expect_rc 0 "pristine file"

# Reformatting is not tampering: the chain hashes values, not whitespace or key order.
jq -S . "$ev" > "$TMP/reformatted.json"
run evidence verify --evidence "$TMP/reformatted.json"
expect_rc 0 "jq -S reformatted file still verifies"

# jq edits: each tamper kind, named at its index.
tamper() { # tamper NAME JQ-FILTER EXPECTED-LINE
  jq "$2" "$ev" > "$TMP/t.json"
  run evidence verify --evidence "$TMP/t.json"
  expect_rc 1 "$1"
  expect_contains "$out" "$3" "$1"
}
tamper "decision edited" '.records[2].decision = "DENY"' \
  "chain BROKEN at record 2: content does not match its hash (the record was edited)"
tamper "last record edited" '.records[4].reasons = []' "chain BROKEN at record 4: content does not match"
tamper "record removed" 'del(.records[1])' "chain BROKEN at record 1: prev does not match record 0"
tamper "record inserted" '.records |= .[0:3] + [.[1]] + .[3:]' "chain BROKEN at record 3: prev does not match record 2"
tamper "records swapped" '.records |= [.[0], .[2], .[1], .[3], .[4]]' "chain BROKEN at record 1"
tamper "first record removed" 'del(.records[0])' "chain BROKEN at record 0: prev does not match the file header"
tamper "subject swapped" ".subject.digest = \"sha256:$(printf x | sha256sum | cut -d' ' -f1)\"" \
  "chain BROKEN at record 0: prev does not match the file header"
tamper "release id edited" '.release.id = "rel-forged"' "chain BROKEN at record 0"

# Byte flips in place (sed keeps the JSON valid): a reason letter, a hash digit, a number.
flip() { # flip NAME SED-EXPR EXPECTED
  sed "$2" "$ev" > "$TMP/t.json"
  cmp -s "$ev" "$TMP/t.json" && fail "$1: sed changed nothing"
  run evidence verify --evidence "$TMP/t.json"
  expect_rc 1 "$1"
  expect_contains "$out" "$3" "$1"
}
flip "reason byte" 's/"reason-3"/"reason-8"/' "chain BROKEN at record 3"
flip "summary number" 's/"ratio": 0.1/"ratio": 0.7/' "chain BROKEN at record 1"
hash2=$(jq -r '.records[2].hash' "$ev")
flip "hash digit" "s/\"hash\": \"${hash2}\"/\"hash\": \"${hash2%?}$( [ "${hash2: -1}" = 0 ] && echo 1 || echo 0)\"/" \
  "chain BROKEN at record 2"

# Random single-bit flips anywhere (dd writes the byte back in place): never exit 0.
size=$(stat -c %s "$ev")
RANDOM=7
zero=0; broken=0; invalid=0
for n in $(seq 1 150); do
  cp "$ev" "$TMP/r.json"
  offset=$(( (RANDOM * 32768 + RANDOM) % size ))
  original=$(od -An -tu1 -j "$offset" -N1 "$ev" | tr -d ' ')
  flipped=$(( original ^ (1 << (RANDOM % 7)) ))
  printf "\\$(printf '%03o' "$flipped")" | dd of="$TMP/r.json" bs=1 seek="$offset" conv=notrunc status=none
  evidence verify --evidence "$TMP/r.json" > /dev/null 2>&1
  case $? in
    0) zero=$((zero + 1)); echo "flip at byte $offset ($original -> $flipped) verified as intact" ;;
    1) broken=$((broken + 1)) ;;
    2) invalid=$((invalid + 1)) ;;
  esac
done
echo "random flips: $broken reported broken (exit 1), $invalid invalid (exit 2), $zero intact"
expect_eq "$zero" "0" "no flipped file verifies"
[ "$broken" -gt 10 ] || fail "too few flips reported as a broken chain ($broken)"
finish
