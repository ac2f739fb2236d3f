#!/usr/bin/env bash
# The GitHub files as GitHub reads them: action-validator (the pinned @action-validator/cli from
# tests/ci-tools) on action.yml, .github/workflows/*.yml and examples/github/release.yml, and
# tests/reach/github_check.mjs: the example uses only inputs/outputs action.yml declares and the
# action's own version, every output a step binary writes is declared, no ${{ }} inside run:,
# actions pinned by SHA, every YAML block of docs/ci-github.md is a verbatim quote. Each check is
# also shown to fail on a broken copy.
source "$(dirname "$0")/../cli/lib.sh"
src=$RELGATE_SOURCE_DIR
command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not installed"

source "$(dirname "$0")/ci_tools.bash"
install_ci_tools
tools=$ci_tools
validator="$tools/node_modules/.bin/action-validator"

workflows=("$src"/.github/workflows/*.yml)
[ -f "${workflows[0]}" ] || fail "no .github/workflows/*.yml"
for file in "$src/action.yml" "${workflows[@]}" "$src/examples/github/release.yml"; do
  run "$validator" "$file"
  expect_rc 0 "action-validator accepts ${file#"$src"/}"
done
# The validator really validates: a composite step without shell, a job without runs-on.
mkdir -p "$TMP/broken"
sed '/^      shell: bash$/d' "$src/action.yml" > "$TMP/broken/action.yml"
run "$validator" "$TMP/broken/action.yml"
expect_rc 1 "action-validator refuses a run: step without shell"
sed '0,/^    runs-on: ubuntu-latest$/{/^    runs-on: ubuntu-latest$/d}' "$src/examples/github/release.yml" > "$TMP/broken/release.yml"
run "$validator" "$TMP/broken/release.yml"
expect_rc 1 "action-validator refuses a job without runs-on"

# The outputs the step binaries write: outcome.outputs = {{"name", ...}, ...} blocks,
# outputs.emplace_back("name", ...), and scan-gate's <severity>_counted.
step_outputs=$(
  {
    awk '/outputs = \{/{f=1} f{while (match($0, /\{"[a-z_-]+"/)) {print substr($0, RSTART+2, RLENGTH-3); $0=substr($0, RSTART+RLENGTH)}} f && /\};/{f=0}' \
      "$src"/steps/*/*.cpp "$src"/common/*.cpp
    grep -rhE 'outputs\.emplace_back\("[a-z_-]+"' "$src/steps" "$src/common" | sed -E 's/.*outputs\.emplace_back\("([a-z_-]+)".*/\1/'
    if grep -q '"_counted"' "$src/steps/scan-gate/scan_gate_step.cpp"; then
      sed -n '/^std::string_view severity_name/,/^}/s/.*return "\([a-z]*\)";.*/\1_counted/p' "$src/steps/scan-gate/finding.cpp"
    fi
  } | sort -u | tr '\n' ' '
)
for expected in release_id commit digest score critical_counted unknown_counted evidence-head; do
  expect_contains " $step_outputs" " $expected " "the scan of the C++ sources finds the output '$expected'"
done
version=$(sed -n 's/^project(relgate VERSION \([0-9][0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
check() { # check ACTION EXAMPLE DOCS
  run node "$src/tests/reach/github_check.mjs" --action "$1" --version "$version" --step-outputs "$step_outputs" \
    --workflow "$2" "${workflows[@]}" --docs "$3" --quoted-from "$src/examples/github/release.yml" "$src/action.yml"
}
check "$src/action.yml" "$src/examples/github/release.yml" "$src/docs/ci-github.md"
expect_rc 0 "action.yml, the workflows, the example and docs/ci-github.md agree"

# Each cross-check fails on a broken copy.
cp "$src/action.yml" "$src/examples/github/release.yml" "$src/docs/ci-github.md" "$TMP/broken/"
sed -i 's/^          evidence-key: /          evidence-keys: /' "$TMP/broken/release.yml"
sed -i 's/needs.verify.outputs.evidence-head/needs.verify.outputs.evidence_head/' "$TMP/broken/release.yml"
sed -i 's/steps.scan.outputs.report/steps.scan.outputs.sarif-file/' "$TMP/broken/release.yml"
sed -i 's|relgate/relgate@v[0-9.]*$|relgate/relgate@v9.9.9|' "$TMP/broken/release.yml"
sed -i 's|actions/download-artifact@[0-9a-f]*|actions/download-artifact@v4|' "$TMP/broken/release.yml"
printf '      - run: echo "${{ github.event.head_commit.message }}"\n' >> "$TMP/broken/release.yml"
sed -i '/^  critical_counted:$/,+2d' "$TMP/broken/action.yml"
sed -i 's/hashFiles(format/hashFiles(format/; s/key: relgate-build-\([0-9.]*\)-/key: relgate-build-${{ hashFiles('"'"'x'"'"') }}-/' "$TMP/broken/action.yml"
sed -i 's/^            --push$/            --push-it/' "$TMP/broken/ci-github.md"
check "$TMP/broken/action.yml" "$TMP/broken/release.yml" "$TMP/broken/ci-github.md"
expect_rc 1 "the cross-checks refuse the broken copies"
expect_contains "$out" "input 'evidence-keys' is not declared" "an undeclared input"
expect_contains "$out" "needs.verify.outputs.evidence_head is not an output of job verify" "an unknown job output"
expect_contains "$out" "steps.scan.outputs.sarif-file is not an output of action.yml" "an unknown action output"
expect_contains "$out" "is not the pinned version v$version" "another relgate version"
expect_contains "$out" "actions/download-artifact@v4 is not pinned by a commit SHA" "an unpinned action"
expect_contains "$out" "inside run:" "an expression inside run:"
expect_contains "$out" "output 'critical_counted' written by a step binary is not declared" "an undeclared step output"
expect_contains "$out" "hashFiles()" "a hashFiles() cache key"
expect_contains "$out" "is not a verbatim quote" "a docs block that is not a quote"
finish
