#!/usr/bin/env bash
# Every JSON document verify-signature reads goes through parse_unique_json (a member named twice is
# refused, exit 2): no other file of the step calls common's parse_json or RapidJSON's Parse itself.
source "$(dirname "$0")/../lib.sh"
step="$RELGATE_SOURCE_DIR/steps/verify-signature"
[ -f "$step/unique_json.cpp" ] || fail "steps/verify-signature/unique_json.cpp is missing"
direct=$(grep -nE '\bparse_json\(|\.Parse(<[^>]*>)?\(|ParseInsitu|ParseStream' "$step"/*.cpp "$step"/*.hpp |
  grep -v "^$step/unique_json\.\(cpp\|hpp\):")
[ -z "$direct" ] || fail "JSON parsed without the duplicate-member check: $direct"
uses=$(grep -l 'parse_unique_json(' "$step"/*.cpp | wc -l)
[ "$uses" -ge 7 ] || fail "parse_unique_json is called from $uses files, expected the 7 readers and itself"
finish
