# The GitOps side of the promote and rollback goldens (sourced after golden.bash): the committed
# history (fixtures/gitops/history.fi, made once by fixtures/make-gitops-history.sh) imported with
# its commit ids, one bare remote per starting state, the committed evidence files, the policy.
# Each golden run starts from a fresh clone and fresh evidence copies, so every channel sees the
# same state.
export GIT_AUTHOR_NAME=relgate-test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=relgate-test GIT_COMMITTER_EMAIL=test@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP/home" USER=release-bot
# Test folders sit inside the relgate checkout: never let git find that repository from them.
GIT_CEILING_DIRECTORIES=$(dirname "$TMP") && export GIT_CEILING_DIRECTORIES
mkdir -p "$HOME" && git config --global init.defaultBranch main
# No background `git gc --auto` / maintenance after a step's commit, so nothing still writes in
# work/ when the next run removes it (a run must never start from a half-removed clone).
git config --global gc.auto 0 && git config --global maintenance.auto false
cp "$GOLDEN_FIXTURES"/evidence/* "$GOLDEN_FIXTURES"/gitops/promotion.toml "$TMP"/ && cd "$TMP" || { fail "fixtures"; finish; }
# Every step signs its record with the committed test-only key, as in a pipeline (the policy
# trusts its public half and refuses unsigned records).
chmod 600 evidence-key.pem && export RELGATE_EVIDENCE_KEY=$TMP/evidence-key.pem
# promote and rollback commit with the wall clock (steps/gitops/git_cli.cpp drops GIT_*_DATE from
# the environment), so the ids of the commits they make differ per run: GOLDEN_GIT_COMMITS=1
# normalises commit ids; the records they append: GOLDEN_APPENDED=1.
GOLDEN_GIT_COMMITS=1 GOLDEN_APPENDED=1

# import_history: history.git holds the committed history; remote-sN.git is a remote whose main
# is tag sN (s0 initial layout, s1 release 1 in staging, s2 release 2 at prod's 10% canary, s3
# release 2 rolled back in prod).
import_history() {
  rm -rf history.git && git init -q --bare history.git &&
    git -C history.git fast-import --quiet <"$GOLDEN_FIXTURES/gitops/history.fi" || return 1
  local state
  for state in s0 s1 s2 s3; do
    rm -rf "remote-$state.git" && git init -q --bare "remote-$state.git" &&
      git -C history.git push -q "$TMP/remote-$state.git" "refs/tags/$state:refs/heads/main" || return 1
  done
}
# use_state sN EVIDENCE...: later runs start from a clone of remote-sN.git (in work/) and fresh
# copies of the named committed evidence files (fixtures/evidence/NAME as NAME in the test folder).
use_state() {
  GOLDEN_STATE=$1; shift
  GOLDEN_EVIDENCE=("$@")
}
fresh_state() {
  rm -rf work
  [ ! -e work ] || { sleep 1; rm -rf work; }
  git clone -q "remote-$GOLDEN_STATE.git" work || fail "clone of remote-$GOLDEN_STATE.git"
  local file
  for file in "${GOLDEN_EVIDENCE[@]}"; do cp "$GOLDEN_FIXTURES/evidence/$file" "$file"; done
}
GOLDEN_BEFORE_RUN=fresh_state
# golden_commit NAME: the commit a case made (author, message with trailers, files changed),
# less its id and dates, which the wall clock sets.
golden_commit() {
  git -C work show --format='author: %an <%ae>%ncommitter: %cn <%ce>%n%n%B' --stat=200 HEAD >"$TMP/commit.txt"
  golden_check "$1" "$TMP/commit.txt"
}
