# Bad input fails closed (exit 2) with a message naming the thing and the fix: environment names,
# paths, symlinked state files, dirty state, policies, stages, a folder that is not a repository.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
new_evidence "$TMP/ev.json" v1 signature-review:ALLOW scan-gate:ALLOW
P=(--repo "$TMP/work" --evidence "$TMP/ev.json" --policy "$TMP/policy.toml")
NOW=2026-11-17T09:00:00Z

for bad in "../prod" "/etc" "a/b" "Prod" ".hidden" ""; do
  run promote --env "$bad" "${P[@]}"
  expect_rc 2 "env name '$bad'"
done
run promote --env ../prod "${P[@]}"
expect_contains "$err" "environment name '../prod'" "bad env named"
run promote --env qa "${P[@]}"
expect_rc 2 "env not in the policy"
expect_contains "$err" "--env qa: not an environment of $TMP/policy.toml for application api (known: prod, staging)" "known envs listed"
run promote --env staging --stage 30 "${P[@]}"
expect_rc 2 "stage not in the policy"
expect_contains "$err" "--stage 30: not a stage of staging (stages: 100)" "stages listed"
run promote --env staging --repo "$TMP" --evidence "$TMP/ev.json" --policy "$TMP/policy.toml"
expect_rc 2 "not a repository"
expect_contains "$err" "is not a git work tree" "repo error"
mkdir -p "$TMP/work/apps"
run promote --env staging --repo "$TMP/work/apps" --evidence "$TMP/ev.json" --policy "$TMP/policy.toml"
expect_rc 2 "a sub-folder of the repository"
expect_contains "$err" "pass the repository's top folder" "top folder"
run promote --env staging --repo "$TMP/work" --policy "$TMP/policy.toml"
expect_rc 2 "no evidence"
expect_contains "$err" "--evidence is required" "evidence required"

# Strict policy: an unknown key names file:line.
printf 'version = 1\n[environments.staging]\nrequire = ["scan-gate"]\nsoak_time = "1h"\n' >"$TMP/typo.toml"
run promote --env staging --repo "$TMP/work" --evidence "$TMP/ev.json" --policy "$TMP/typo.toml"
expect_rc 2 "unknown policy key"
expect_contains "$err" "soak_time" "typo named"
expect_contains "$err" "typo.toml:4" "file:line"
printf 'version = 1\n[environments.prod]\nstages = ["10%%", "50%%"]\n' >"$TMP/stages.toml"
run promote --env prod --repo "$TMP/work" --evidence "$TMP/ev.json" --policy "$TMP/stages.toml"
expect_rc 2 "stages not ending at 100"
expect_contains "$err" "the last stage must be \"100%\"" "stages rule"
printf 'version = 1\n[environments.prod]\n[[environments.prod.freeze]]\nweekdays = ["fri"]\ntimezone = "Mars/Olympus"\n' >"$TMP/tz.toml"
run promote --env prod --repo "$TMP/work" --evidence "$TMP/ev.json" --policy "$TMP/tz.toml"
expect_rc 2 "unknown time zone"
expect_contains "$err" "time zone 'Mars/Olympus' is not in the TZ database" "time zone named"
printf 'version = 1\n[environments.prod]\nafter = "qa"\n' >"$TMP/after.toml"
run promote --env prod --repo "$TMP/work" --evidence "$TMP/ev.json" --policy "$TMP/after.toml"
expect_rc 2 "after names no environment"
expect_contains "$err" "after = 'qa' names no environment" "after checked"

# A first promotion works; then a symlinked state file is refused, and so is a dirty one.
run promote --env staging "${P[@]}"
expect_rc 0 "first promotion"
before=$(git -C "$TMP/work" rev-parse HEAD)
mv "$TMP/work/relgate/api/staging/state.json" "$TMP/elsewhere.json"
ln -s "$TMP/elsewhere.json" "$TMP/work/relgate/api/staging/state.json"
git -C "$TMP/work" add -A && git -C "$TMP/work" commit -q -m "someone symlinked the state file"
new_evidence "$TMP/ev2.json" v2 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --repo "$TMP/work" --evidence "$TMP/ev2.json" --policy "$TMP/policy.toml"
expect_rc 2 "symlinked state file"
expect_contains "$err" "state.json is a symlink: relgate refuses to read or write its files through symlinks" "symlink refused"
git -C "$TMP/work" reset -q --hard "$before"

echo "garbage" >>"$TMP/work/relgate/api/staging/state.json"
run promote --env staging --repo "$TMP/work" --evidence "$TMP/ev2.json" --policy "$TMP/policy.toml"
expect_rc 2 "dirty state file"
expect_contains "$err" "relgate's files have uncommitted changes" "dirty detected"
expect_contains "$err" "checkout HEAD -- relgate" "fix given"
git -C "$TMP/work" checkout -q HEAD -- relgate

# A hand-edited ledger that disagrees with the state is refused before anything is appended.
head -c 0 /dev/null >"$TMP/work/relgate/api/staging/ledger.jsonl"
git -C "$TMP/work" commit -q -am "truncate the ledger"
run promote --env staging --repo "$TMP/work" --evidence "$TMP/ev2.json" --policy "$TMP/policy.toml"
expect_rc 2 "ledger and state disagree"
expect_contains "$err" "newest entry is #0 but relgate/api/staging/state.json expects #1" "mismatch named"
finish
