#!/usr/bin/env bash
# Inputs that are not regular files (FIFO, /dev/zero, a directory) or too large exit 2 at once,
# never hang or eat memory; a planted temp-file or lock symlink is never followed; an evidence
# path that is a symbolic link is refused by readers and writers alike, and nothing is written.
source "$(dirname "$0")/../lib.sh"

digest="sha256:$(printf 'hostile' | sha256sum | cut -d' ' -f1)"
ev="$TMP/e.json"
evidence init --evidence "$ev" --subject "api@$digest" > /dev/null || fail "init"
evidence append --evidence "$ev" --step manual-check --decision ALLOW > /dev/null || fail "seed append"
mkfifo "$TMP/fifo"
mkdir "$TMP/folder"
truncate -s 17M "$TMP/huge.json"
truncate -s 65M "$TMP/huge.toml"
printf 'precious\n' > "$TMP/victim"

# point 13: every kind of bad file, as --evidence of each subcommand, as --key and as --input.
# `timeout 10`: a hang (exit 124) fails the test instead of blocking ctest.
for bad in "$TMP/fifo" /dev/zero "$TMP/folder" "$TMP/huge.json"; do
  case $bad in
    *fifo) why="is a FIFO (named pipe), expected a regular file" ;;
    /dev/zero) why="is a device, expected a regular file" ;;
    *folder) why="is a directory, expected a regular file" ;;
    *) why="larger than the 16 MiB this input may have" ;;
  esac
  for sub in verify show append; do
    extra=()
    [ "$sub" = append ] && extra=(--step manual-check --decision ALLOW)
    run timeout 10 evidence "$sub" --evidence "$bad" "${extra[@]}"
    expect_rc 2 "$sub --evidence $bad"
    expect_contains "$err" "$bad: $why" "$sub --evidence $bad: says what it is"
  done
  run timeout 10 evidence merge --evidence "$TMP/out.json" "$bad"
  expect_rc 2 "merge input $bad"
  expect_contains "$err" "$bad: " "merge input $bad named"
  run timeout 10 evidence verify --evidence "$ev" --key "$bad"
  expect_rc 2 "verify --key $bad"
  run timeout 10 evidence append --evidence "$ev" --step manual-check --decision ALLOW --signing-key "$bad"
  expect_rc 2 "append --signing-key $bad"
  run timeout 10 evidence merge --evidence "$TMP/out.json" "$ev" --signing-key "$bad"
  expect_rc 2 "merge --signing-key $bad"
done
for bad in "$TMP/fifo" /dev/zero "$TMP/folder"; do
  run timeout 10 evidence append --evidence "$ev" --step manual-check --decision ALLOW --input "$bad"
  expect_rc 2 "append --input $bad"
done
[ -e "$TMP/out.json" ] && fail "a refused merge wrote its output"
expect_eq "$(jq '.records | length' "$ev")" "1" "no refused run appended"

# The same for a step's --policy and --evidence (step_main reads both through read_file).
if [ -x "$RELGATE_BIN_DIR/scan-gate" ]; then
  printf '{"SchemaVersion":2,"Results":[]}' > "$TMP/report.json"
  for bad in "$TMP/fifo" /dev/zero "$TMP/folder" "$TMP/huge.toml"; do
    run timeout 10 scan-gate --report "$TMP/report.json" --policy "$bad"
    expect_rc 2 "scan-gate --policy $bad"
    run timeout 10 scan-gate --report "$TMP/report.json" --evidence "$bad"
    expect_rc 2 "scan-gate --evidence $bad"
  done
fi

# point 14: planted <evidence>.tmp.<anything> symlinks pointing at a victim. The names a
# pid-suffixed writer would use next are planted too (pids are handed out in order).
plant() { # plant PATH: links PATH.tmp.<the next 2000 pids> and a few fixed names to the victim
  # One process does it all, so planting uses up no pid of the range it plants.
  python3 - "$1" "$TMP/victim" << 'PY' || fail "planting $1.tmp.*"
import os, sys
path, victim = sys.argv[1], sys.argv[2]
try:
    last = int(open("/proc/sys/kernel/ns_last_pid").read())
except OSError:
    last = os.getpid()
for name in [str(p) for p in range(last, last + 2000)] + ["0", "1", "XXXXXX"]:
    os.symlink(victim, path + ".tmp." + name)
PY
}
plant "$ev"
run evidence append --evidence "$ev" --step manual-check --decision DENY
expect_rc 0 "append beside planted temp links"
expect_eq "$(cat "$TMP/victim")" "precious" "append: victim unchanged"
expect_eq "$(jq '.records | length' "$ev")" "2" "append landed in the evidence"

cp "$ev" "$TMP/in.json"
plant "$TMP/merged.json"
run evidence merge --evidence "$TMP/merged.json" "$TMP/in.json"
expect_rc 0 "merge beside planted temp links"
expect_eq "$(cat "$TMP/victim")" "precious" "merge: victim unchanged"
[ -L "$TMP/merged.json" ] && fail "merge output became a link"
expect_eq "$(jq '.records | length' "$TMP/merged.json")" "2" "merge wrote its output"
plant "$TMP/new.json"
run evidence init --evidence "$TMP/new.json" --subject "api@$digest"
expect_rc 0 "init beside planted temp links"
expect_eq "$(cat "$TMP/victim")" "precious" "init: victim unchanged"

# An evidence path that is a symbolic link: refused by every subcommand, nothing written.
ln -s "$ev" "$TMP/link.json"
cp "$ev" "$TMP/before.json"
for args in "append --evidence $TMP/link.json --step manual-check --decision DENY" "show --evidence $TMP/link.json" \
  "verify --evidence $TMP/link.json" "merge --evidence $TMP/link.json $TMP/in.json" \
  "merge --evidence $TMP/out2.json $TMP/link.json" "init --evidence $TMP/link.json --subject api@$digest"; do
  # shellcheck disable=SC2086 # plain words
  run timeout 10 evidence $args
  expect_rc 2 "symlinked evidence: ${args%% *} (${args#* })"
  expect_contains "$err" "$TMP/link.json: is a symbolic link" "symlinked evidence named: ${args%% *}"
done
[ -L "$TMP/link.json" ] || fail "the link was replaced"
cmp -s "$ev" "$TMP/before.json" || fail "a refused run changed the link's target"
[ -e "$TMP/out2.json" ] && fail "a refused merge wrote its output"
ln -s "$TMP/nowhere.json" "$TMP/dangling.json"
run evidence append --evidence "$TMP/dangling.json" --subject "api@$digest" --step manual-check --decision DENY
expect_rc 2 "dangling link: append"
[ -e "$TMP/nowhere.json" ] && fail "append created the dangling link's target"

# A <evidence>.lock that is a symbolic link is not followed (no file created or locked elsewhere).
evidence init --evidence "$TMP/l.json" --subject "api@$digest" > /dev/null
ln -sf "$TMP/lock-victim" "$TMP/l.json.lock"
ln -sf "$TMP/victim" "$TMP/m.json.lock"
run timeout 10 evidence append --evidence "$TMP/l.json" --step manual-check --decision DENY
expect_rc 2 "lock symlink: append"
expect_contains "$err" "$TMP/l.json.lock: cannot create the lock file" "lock symlink named"
[ -e "$TMP/lock-victim" ] && fail "the lock symlink was followed"
run timeout 10 evidence merge --evidence "$TMP/m.json" "$TMP/in.json"
expect_rc 2 "lock symlink: merge"
expect_eq "$(cat "$TMP/victim")" "precious" "lock symlink: victim unchanged"
finish
