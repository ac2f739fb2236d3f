# Shared by tests/reach/gitlab_*.sh (sourced after tests/cli/lib.sh; not a test itself).
source "$(dirname "${BASH_SOURCE[0]}")/ci_tools.bash"
# gitlab_tools: the pinned CI clients (ci_tools.bash); sets $tools and $gcl to gitlab-ci-local.
gitlab_tools() {
  command -v rsync >/dev/null || skip "rsync not installed (gitlab-ci-local needs it)"
  install_ci_tools
  tools=$ci_tools
  gcl="$tools/node_modules/.bin/gitlab-ci-local"
}

# stage_bins: hard links (or copies) of the built executables in $TMP/bin, so a rebuild of the
# shared build folder while the pipeline runs cannot pull a binary from under a job.
stage_bins() {
  mkdir -p "$TMP/bin"
  local exe
  for exe in verify-signature scan-gate slo-check promote rollback evidence; do
    [ -x "$RELGATE_BIN_DIR/$exe" ] || skip "$exe not built"
    ln -f "$RELGATE_BIN_DIR/$exe" "$TMP/bin/$exe" 2>/dev/null || cp "$RELGATE_BIN_DIR/$exe" "$TMP/bin/$exe"
  done
  bins="$TMP/bin"
}

# gitlab ARGS...: gitlab-ci-local with --shell-isolation (every job in its own folder with only
# its needs' artifacts, as on real runners) on the host shell; $out holds stdout and stderr.
gitlab() {
  run "$gcl" --force-shell-executor --shell-isolation --no-color --variable GITLAB_CI=true "$@"
  out="$out
$err"
}

# job_verdict JOB: how JOB ended in the last gitlab-ci-local run ($out): "PASS", "WARN <exit code>"
# (allowed to fail) or "FAIL <exit code>"; empty when the job never ran. From the line
#   <job> finished in 460 ms  WARN 1
gitlab_verdict() {
  local line
  line=$(printf '%s\n' "$out" | grep -E "^$1 +finished in " | head -1)
  [ -n "$line" ] || return 0
  case "$line" in
    *" WARN "[0-9]*|*" FAIL "[0-9]*) printf '%s\n' "$line" | grep -oE '(WARN|FAIL) [0-9]+ *$' | sed 's/ *$//' ;;
    *) echo PASS ;;
  esac
}
expect_verdict() { # expect_verdict JOB "PASS"|"WARN 1"|"FAIL 2"|"" description
  local got
  got=$(gitlab_verdict "$1")
  [ "$got" == "$2" ] || { fail "$3: job $1 ended '${got:-(never ran)}', expected '${2:-(never ran)}'"; printf '%s\n' "$out" | grep -E "^$1 " | tail -25; }
}

# project_repo DIR: a git project with a GitLab-looking origin, as gitlab-ci-local wants. It ignores
# what gitlab-ci-local copies back (the jobs' artifacts, its own folder): a project that tracks files
# under relgate-evidence/ or relgate-reports/ is refused by the template (planted gate files).
project_repo() {
  mkdir -p "$1" && git -C "$1" init -q -b main . &&
    git -C "$1" remote add origin https://gitlab.example.com/acme/api.git &&
    printf '%s\n' relgate-evidence/ relgate-reports/ .gitlab-ci-local/ > "$1/.gitignore" &&
    git -C "$1" add .gitignore &&
    git -C "$1" -c user.name=t -c user.email=t@example.com commit -q -m init
}
# commit_all DIR [MESSAGE]: DIR must be a repository's top folder (never a folder inside another one).
commit_all() {
  [ -d "$1/.git" ] || { echo "commit_all: $1 is not a repository's top folder" >&2; return 1; }
  git -C "$1" add -A && git -C "$1" -c user.name=t -c user.email=t@example.com commit -q -m "${2:-change}"
}
