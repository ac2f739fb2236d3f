# Optional user templates (relgate/templates/*.tmpl) are rendered from the state on every
# promotion and rollback; a typo in a variable fails closed and commits nothing.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
cat >"$TMP/policy.toml" <<'TOML'
version = 1
[environments.web]
stages = ["25%", "100%"]
TOML
printf '%s\n' "$EVIDENCE_SECTION" >>"$TMP/policy.toml"
mkdir -p "$TMP/work/relgate/templates"
cat >"$TMP/work/relgate/templates/rollout.yaml.tmpl" <<'TPL'
# Argo Rollouts canary for {{ env }}
image: {{ image }}@{{ stable.digest }}
canary: {{ canary.active }} {{ canary.digest }} weight={{ canary.weight }} stable={{ stable.weight }}
TPL
git -C "$TMP/work" add -A && git -C "$TMP/work" commit -q -m "templates"
NOW=2026-11-17T09:00:00Z
P=(--repo "$TMP/work" --policy "$TMP/policy.toml" --env web)
R=$TMP/work/relgate/api/web/rendered/rollout.yaml

new_evidence "$TMP/a.json" a
add_record "$TMP/a.json" slo-check:ALLOW:web:25
run promote "${P[@]}" --evidence "$TMP/a.json"
expect_rc 0 "a at 25%"
expect_eq "$(sed -n 3p "$R")" "canary: true $(digest_of a) weight=25 stable=0" "canary rendered"
run promote "${P[@]}" --evidence "$TMP/a.json"
expect_rc 0 "a at 100%"
expect_eq "$(sed -n 2p "$R")" "image: $IMAGE@$(digest_of a)" "stable rendered"
expect_eq "$(sed -n 3p "$R")" "canary: false  weight=0 stable=100" "no canary"
new_evidence "$TMP/b.json" b
run promote "${P[@]}" --evidence "$TMP/b.json"
expect_eq "$(sed -n 3p "$R")" "canary: true $(digest_of b) weight=25 stable=75" "b canary over a"
run rollback --env web --repo "$TMP/work"
expect_rc 0 "rollback"
expect_eq "$(sed -n 3p "$R")" "canary: false  weight=0 stable=100" "rollback re-renders"
expect_eq "$(git -C "$TMP/work" show HEAD:relgate/api/web/rendered/rollout.yaml | sed -n 2p)" "image: $IMAGE@$(digest_of a)" "committed"

printf 'x: {{ canary.wieght }}\n' >"$TMP/work/relgate/templates/typo.yaml.tmpl"
git -C "$TMP/work" add -A && git -C "$TMP/work" commit -q -m "typo"
head=$(git -C "$TMP/work" rev-parse HEAD)
new_evidence "$TMP/c.json" c
run promote "${P[@]}" --evidence "$TMP/c.json"
expect_rc 2 "unknown template variable"
expect_contains "$err" "typo.yaml.tmpl:1: unknown variable 'canary.wieght'" "file:line and name"
expect_eq "$(git -C "$TMP/work" rev-parse HEAD)" "$head" "nothing committed"
expect_eq "$(git -C "$TMP/work" status --porcelain)" "" "nothing written"

run promote --help
expect_rc 0 "--help"
expect_contains "$out" "--approved-by WHO" "help lists options"
run rollback --help
expect_contains "$out" "--drill" "rollback help"
run promote --version
expect_contains "$out" "promote (relgate)" "version"
finish
