#!/usr/bin/env bash
# docs/ci-gitlab.md quotes only tested YAML: every ```yaml block on the page appears verbatim in
# examples/gitlab/.gitlab-ci.yml (run by gitlab_example.sh) or .gitlab-ci-templates/relgate.yml
# (run by gitlab_templates.sh), and its inputs table lists every input of the template, no more.
source "$(dirname "$0")/../cli/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
run python3 - "$RELGATE_SOURCE_DIR" <<'PY'
import re, sys
root = sys.argv[1]
doc = open(f"{root}/docs/ci-gitlab.md").read()
sources = [open(f"{root}/{p}").read() for p in ("examples/gitlab/.gitlab-ci.yml", ".gitlab-ci-templates/relgate.yml")]
blocks = re.findall(r"^```yaml\n(.*?)^```$", doc, re.S | re.M)
problems = []
if not blocks:
    problems.append("no yaml blocks found")
for i, block in enumerate(blocks, 1):
    if not any(block in s for s in sources):
        problems.append(f"yaml block {i} (starting {block.splitlines()[0]!r}) is not verbatim in the example or the template")
template = sources[1]
spec = template.split("\n---\n", 1)[0]
inputs = re.findall(r"^    ([a-z][a-z-]*):$", spec, re.M)
documented = re.findall(r"^\| `([a-z][a-z-]*)` \|", doc, re.M)
for name in inputs:
    if name not in documented:
        problems.append(f"input {name} is not in the inputs table")
for name in documented:
    if name not in inputs:
        problems.append(f"the inputs table lists {name}, which the template does not have")
print(f"{len(blocks)} yaml blocks, {len(inputs)} inputs")
for p in problems:
    print("PROBLEM:", p)
sys.exit(1 if problems else 0)
PY
expect_rc 0 "docs/ci-gitlab.md matches the example and the template"
echo "$out"
finish
