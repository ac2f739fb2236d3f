#!/usr/bin/env bash
# Every policy key the code reads is documented in docs/policies.md, in its step's section.
# The keys are the string literals handed to PolicyTable's accessors (integer("count", ...),
# table("canary"), array_of_tables("objectives"), ...) in the sources that read policies; a key
# counts as documented when it is a word of the first column of a table row in the section
# ("| `[canary] sample_range` / `sample_step` |"). Keys read through a variable (scan-gate's
# severities) are not seen here. Issue 12: `[burn_rate] enabled` was read but not documented.
source "$(dirname "$0")/../lib.sh"

src=$RELGATE_SOURCE_DIR
doc=$src/docs/policies.md
[ -f "$doc" ] || { fail "$doc is missing"; finish; }

# section_words TITLE: the words of the first column of every table row under "## TITLE ...".
section_words() {
  awk -v title="$1" '
    /^## / { inside = (index($0, "## " title " ") == 1 || $0 == "## " title); next }
    inside && /^\|/ { split($0, cells, "|"); print cells[2] }' "$doc" |
    tr -c 'a-z0-9_\n' '\n' | grep -v '^$' | sort -u
}

# keys_read FILE...: the literal keys PolicyTable accessors are asked for.
keys_read() {
  grep -ohE '(\.|->)(integer|number|boolean|string|choice|duration|time|string_array|table|array_of_tables)\("[a-z0-9_]+"' "$@" |
    sed -E 's/.*\("([a-z0-9_]+)"/\1/' | sort -u
}

# check_section TITLE FILE...: every key the files read is a word of that section.
check_section() {
  local title=$1 words missing
  shift
  words=$(section_words "$title")
  if [ -z "$words" ]; then
    fail "docs/policies.md has no '## $title' section with a key table"
    return
  fi
  # `version` is read by common/policy.cpp for every policy.
  missing=$(comm -23 <( (keys_read "$@"; echo version) | sort -u) <(echo "$words"))
  for key in $missing; do
    if [[ " $known_gaps " == *" $title:$key "* ]]; then
      echo "known gap (to document): section '$title', key '$key'"
      continue
    fi
    fail "docs/policies.md, section '$title': key '$key' is read by $(grep -lE "\(\"$key\"" "$@" | sed "s|^$src/||" | tr '\n' ' ')but not documented"
  done
  for gap in $known_gaps; do
    if [ "${gap%%:*}" = "$title" ] && ! grep -qx "${gap#*:}" <<<"$missing"; then
      echo "NOTE: known_gaps lists '$gap', which is documented now (or no longer read): remove it from known_gaps"
    fi
  done
}

# Keys read but not yet documented, in sections this test's owner does not write (promote's section
# belongs to its step's owner). Each entry is reported, not failed; one documented meanwhile prints a
# NOTE to remove it (not a failure, so documenting a key never breaks the suite). Empty is the goal.
known_gaps=""

# The test of the test: a key the docs lack must be found (the extraction is not empty).
probe=$TMP/probe.cpp
echo 'auto x = table->boolean("surely_not_documented");' >"$probe"
[ "$(keys_read "$probe")" = surely_not_documented ] || fail "keys_read does not find a boolean(\"...\") key"
[ -n "$(section_words slo-check)" ] || fail "section_words finds no key words for slo-check"

check_section verify-signature "$src"/steps/verify-signature/signature_policy.cpp
check_section scan-gate "$src"/steps/scan-gate/scan_policy.cpp
check_section slo-check "$src"/steps/slo-check/slo_policy.cpp
# promote's policy is read by promote, by gitops for both steps ([evidence], [clock]) and by rollback.
check_section promote "$src"/steps/promote/promotion_policy.cpp "$src"/steps/gitops/evidence_trust.cpp \
  "$src"/steps/gitops/pinned_clock.cpp "$src"/steps/rollback/rollback_scope.cpp
finish
