# Shared by the tests/reach tests that run real CI clients (sourced after tests/cli/lib.sh; not a
# test itself). install_ci_tools: installs the clients pinned by tests/ci-tools/package-lock.json into
# $RELGATE_BUILD_DIR/ci-tools once per lockfile, under one lock (several tests may start at once),
# and sets $ci_tools. Skips where npm is missing or the registry cannot be reached.
install_ci_tools() {
  command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not installed"
  ci_tools="$RELGATE_BUILD_DIR/ci-tools"
  mkdir -p "$ci_tools"
  (
    flock 9
    if ! cmp -s "$RELGATE_SOURCE_DIR/tests/ci-tools/package-lock.json" "$ci_tools/.installed-lock.json" ||
      [ ! -x "$ci_tools/node_modules/.bin/gitlab-ci-local" ] || [ ! -f "$ci_tools/node_modules/yaml/package.json" ]; then
      rm -f "$ci_tools/.installed-lock.json"
      cp "$RELGATE_SOURCE_DIR"/tests/ci-tools/package*.json "$ci_tools/" &&
        npm ci --silent --no-audit --no-fund --prefix "$ci_tools" >"$TMP/npm.log" 2>&1 &&
        cp "$RELGATE_SOURCE_DIR/tests/ci-tools/package-lock.json" "$ci_tools/.installed-lock.json"
    fi
  ) 9>"$ci_tools/.install.lock" || skip "npm ci of tests/ci-tools failed: $(tail -1 "$TMP/npm.log" 2>/dev/null)"
  export RELGATE_CI_TOOLS=$ci_tools
}
