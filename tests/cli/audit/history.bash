# A real release history for the audit tests (sourced after tests/cli/lib.sh): a bare GitOps
# remote and a clone, two releases promoted by the real promote through staging and prod
# 10/50/100, the second stopped at canary_10 by a real slo-check DENY and rolled back by the real
# rollback, a third denied by scan-gate. Evidence is signed (RELGATE_EVIDENCE_KEY); every clock is
# pinned, so reports are byte-stable apart from the test folder and the policy hashes.
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
# Who acts: the CI variables of the machine running the tests must not leak into the records.
unset GITHUB_ACTIONS GITLAB_CI GITHUB_ACTOR GITLAB_USER_LOGIN CI_COMMIT_TIMESTAMP
export USER=release-bot

evidence() { local sub=$1; shift; command evidence "$sub" --now "$NOW" "$@"; }

# slo-check with the shipped policy (error rate <= 1%, p99 <= 500 ms) on a saved scrape.
cp "$RELGATE_SOURCE_DIR/policies/slo.toml" "$TMP/slo.toml"
cp "$RELGATE_SOURCE_DIR/policies/signature.toml" "$TMP/signature.toml"
scrape() { # scrape FILE OK ERRORS
  local ok=$2 errors=$3 total=$(($2 + $3))
  printf '%s\n' "http_requests_total{status_code=\"200\"} $ok" "http_requests_total{status_code=\"500\"} $errors" \
    "http_request_duration_seconds_bucket{le=\"0.025\"} $((total / 2))" \
    "http_request_duration_seconds_bucket{le=\"0.05\"} $((total * 995 / 1000))" \
    "http_request_duration_seconds_bucket{le=\"0.1\"} $total" \
    "http_request_duration_seconds_bucket{le=\"+Inf\"} $total" \
    "http_request_duration_seconds_sum $((total / 25))" "http_request_duration_seconds_count $total" >"$1"
}
scrape "$TMP/healthy.prom" 1000 0
scrape "$TMP/failing.prom" 678 322
# health FILE healthy|failing ENV [STAGE]
health() {
  local file=$1 kind=$2 env=$3 stage=${4:-} extra=() want=0
  [ -n "$stage" ] && extra+=(--stage "$stage")
  [ "$kind" = failing ] && want=1
  command slo-check --now "$NOW" --metrics-file "$TMP/$kind.prom" --policy "$TMP/slo.toml" --evidence "$file" \
    --env "$env" "${extra[@]}" >/dev/null
  local code=$?
  [ $code = $want ] || { echo "health $kind: slo-check exited $code" >&2; return 1; }
}

# The artifact signature: a real cosign-style key signature over a blob whose digest is the subject.
openssl ecparam -name prime256v1 -genkey -noout -out "$TMP/cosign.key" 2>/dev/null
openssl ec -in "$TMP/cosign.key" -pubout -out "$TMP/cosign.pub" 2>/dev/null
signature() { # signature FILE NAME: the blob holds NAME, so its sha256 is digest_of NAME
  printf '%s' "$2" >"$TMP/blob-$2"
  openssl dgst -sha256 -sign "$TMP/cosign.key" -out "$TMP/blob-$2.der" "$TMP/blob-$2"
  base64 -w0 "$TMP/blob-$2.der" >"$TMP/blob-$2.sig"
  command verify-signature --now "$NOW" --policy "$TMP/signature.toml" --artifact "$TMP/blob-$2" --key "$TMP/cosign.pub" \
    --signature "$TMP/blob-$2.sig" --evidence "$1" >/dev/null ||
    { echo "verify-signature failed for $2" >&2; return 1; }
}

build_history() {
  new_gitops_remote "$TMP/remote.git"
  clone_of "$TMP/remote.git" "$TMP/work"
  write_test_policy "$TMP/policy.toml"
  # The fixture's policy requires a hand-recorded signature-review; these releases carry the
  # real verify-signature record instead.
  sed -i 's/"signature-review"/"verify-signature"/' "$TMP/policy.toml"
  local P=(--repo "$TMP/work" --policy "$TMP/policy.toml" --push) v

  NOW=2026-11-17T08:30:00Z
  evidence init --evidence "$TMP/v1.json" --subject "$IMAGE@$(digest_of v1)" \
    --source-commit-time 2026-11-17T08:00:00Z >/dev/null || return 1
  signature "$TMP/v1.json" v1 && scan_record "$TMP/v1.json" ALLOW || return 1
  NOW=2026-11-17T09:00:00Z
  promote --env staging --evidence "$TMP/v1.json" "${P[@]}" >/dev/null || return 1
  health "$TMP/v1.json" healthy staging || return 1
  NOW=2026-11-17T10:30:00Z
  promote --env prod --approved-by alice --evidence "$TMP/v1.json" "${P[@]}" >/dev/null || return 1
  NOW=2026-11-17T10:40:00Z
  health "$TMP/v1.json" healthy prod 10 || return 1
  NOW=2026-11-17T10:45:00Z
  promote --env prod --approved-by alice --evidence "$TMP/v1.json" "${P[@]}" >/dev/null || return 1
  NOW=2026-11-17T10:55:00Z
  health "$TMP/v1.json" healthy prod 50 || return 1
  NOW=2026-11-17T11:00:00Z
  promote --env prod --approved-by alice --evidence "$TMP/v1.json" "${P[@]}" >/dev/null || return 1
  NOW=2026-11-17T11:10:00Z
  health "$TMP/v1.json" healthy prod 100 || return 1

  NOW=2026-11-18T08:30:00Z
  evidence init --evidence "$TMP/v2.json" --subject "$IMAGE@$(digest_of v2)" \
    --source-commit-time 2026-11-18T08:00:00Z >/dev/null || return 1
  signature "$TMP/v2.json" v2 && scan_record "$TMP/v2.json" ALLOW || return 1
  # A hand-recorded check whose reason is hostile to every report format.
  evidence append --evidence "$TMP/v2.json" --step license-check --decision DENY --duration-ms 1500 \
    --reason 'GPL | in <script>alert(1)</script> "q" \ back
second line' >/dev/null || return 1
  evidence append --evidence "$TMP/v2.json" --step license-check --decision ALLOW --duration-ms 500 >/dev/null || return 1
  NOW=2026-11-18T09:00:00Z
  promote --env staging --evidence "$TMP/v2.json" "${P[@]}" >/dev/null || return 1
  health "$TMP/v2.json" healthy staging || return 1
  NOW=2026-11-18T10:30:00Z
  promote --env prod --approved-by bob --evidence "$TMP/v2.json" "${P[@]}" >/dev/null || return 1
  NOW=2026-11-18T10:40:00Z
  health "$TMP/v2.json" failing prod 10 || return 1
  NOW=2026-11-18T10:45:00Z
  rollback --env prod --repo "$TMP/work" --if-denied --push --policy "$TMP/policy.toml" \
    --evidence "$TMP/v2.json" >/dev/null || return 1

  NOW=2026-11-19T08:30:00Z
  evidence init --evidence "$TMP/v3.json" --subject "$IMAGE@$(digest_of v3)" >/dev/null || return 1
  signature "$TMP/v3.json" v3 && scan_record "$TMP/v3.json" DENY || return 1
  promote --env staging --evidence "$TMP/v3.json" "${P[@]}" >/dev/null
  [ $? = 1 ] || { echo "promote of v3 should be denied" >&2; return 1; }
  NOW=2026-11-20T12:00:00Z
}

# normalize FILE: the test folder and the sha256 of files in it vary between checkouts.
normalize() {
  local text f hash
  text=$(cat "$1")
  for f in policy.toml slo.toml scan-policy.toml signature.toml; do
    hash=$(sha256sum "$TMP/$f" | cut -d' ' -f1)
    text=${text//$hash/<sha256 of $f>}
  done
  printf '%s\n' "${text//$TMP/<TMP>}"
}

# golden NAME FILE: compares with tests/golden/audit/NAME; RELGATE_REGEN_GOLDEN=1 rewrites it.
golden() {
  local want="$RELGATE_SOURCE_DIR/tests/golden/audit/$1"
  normalize "$2" >"$TMP/$1.normalized"
  if [ "${RELGATE_REGEN_GOLDEN:-}" = 1 ]; then
    cp "$TMP/$1.normalized" "$want"
    echo "regenerated $want"
  elif ! diff -u "$want" "$TMP/$1.normalized"; then
    fail "$1 differs from tests/golden/audit/$1 (RELGATE_REGEN_GOLDEN=1 rewrites it after a reviewed change)"
  fi
}
# prod_ledger: api's prod ledger, repo-relative: relgate/api/prod/ledger.jsonl (relgate/prod/ in a
# repository promote wrote before applications existed; audit reads both layouts).
prod_ledger() {
  local path
  for path in relgate/api/prod/ledger.jsonl relgate/prod/ledger.jsonl; do
    [ -f "$TMP/work/$path" ] && { echo "$path"; return 0; }
  done
  return 1
}
