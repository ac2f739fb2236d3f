#!/usr/bin/env bash
# Regenerates every golden output (tests/golden/<step>/) from the binaries of a build: runs the
# cli.golden tests and audit's reports test with RELGATE_REGEN_GOLDEN=1, which rewrite the files
# they compare. Builds nothing: build the steps first. Review the result with `git diff tests/golden`
# and commit it with the change that caused it.
#   scripts/regen-goldens.sh [--build-dir DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build"
while [ $# -gt 0 ]; do
  case "$1" in
  --build-dir)
    [ $# -ge 2 ] || { echo "regen-goldens: --build-dir needs a folder" >&2; exit 2; }
    build=$2; shift 2 ;;
  -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "regen-goldens: unknown argument '$1' (usage: scripts/regen-goldens.sh [--build-dir DIR])" >&2; exit 2 ;;
  esac
done
[ -d "$build" ] || { echo "regen-goldens: no build folder $build (configure and build first)" >&2; exit 2; }
build=$(cd "$build" && pwd)
[ -f "$build/CTestTestfile.cmake" ] || { echo "regen-goldens: $build is not a configured build folder" >&2; exit 2; }
cd "$build"
# Every golden test and audit's reports test (tests/golden/audit); each rewrites only its own files.
status=0
RELGATE_REGEN_GOLDEN=1 ctest -R '^cli\.(golden\.|audit\.reports$)' --output-on-failure || status=$?
echo
git -C "$root" status --short -- tests/golden
echo "review with: git -C $root diff -- tests/golden"
exit $status
