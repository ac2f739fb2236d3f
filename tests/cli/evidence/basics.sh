#!/usr/bin/env bash
# evidence init / append / show / verify / --help / --version: exit codes and key lines.
source "$(dirname "$0")/../lib.sh"

digest="sha256:$(printf 'api image' | sha256sum | cut -d' ' -f1)"
other="sha256:$(printf 'other image' | sha256sum | cut -d' ' -f1)"
ev="$TMP/e.json"

run evidence --version
expect_rc 0 "--version"
expect_contains "$out" "evidence (relgate) " "--version names the suite"
run evidence --help
expect_rc 0 "--help"
for sub in init show verify merge append; do expect_contains "$out" "evidence $sub" "--help lists $sub"; done
run evidence verify --help
expect_rc 0 "verify --help"
expect_contains "$out" "--key" "verify --help lists --key"
run evidence
expect_rc 2 "no subcommand"
run evidence frobnicate
expect_rc 2 "unknown subcommand"
expect_contains "$err" "evidence: error: unknown subcommand 'frobnicate'" "unknown subcommand named"

# init: tags and malformed digests are refused, nothing is written.
run evidence init --evidence "$ev" --subject ghcr.io/acme/api:1.2
expect_rc 2 "tag subject"
expect_contains "$err" "evidence: error: --subject: subject 'ghcr.io/acme/api:1.2' has no digest" "tag refused"
run evidence init --evidence "$ev" --subject ghcr.io/acme/api@sha256:1234
expect_rc 2 "short digest"
[ -e "$ev" ] && fail "a refused init wrote the file"

run evidence init --evidence "$ev" --subject "ghcr.io/acme/api@$digest" --release rel-2026-02-11-01
expect_rc 0 "init"
expect_eq "$out" "$ev: created for ghcr.io/acme/api@$digest" "init line"
run evidence init --evidence "$ev" --subject "ghcr.io/acme/api@$digest"
expect_rc 0 "init again (idempotent)"
expect_contains "$out" "already exists" "second init leaves the file"
run evidence init --evidence "$ev" --subject "ghcr.io/acme/api@$other"
expect_rc 2 "init with another subject"
expect_contains "$err" "does not match the evidence subject" "other subject refused"
expect_eq "$(jq -r .schema "$ev")" "relgate.evidence/v2" "schema field"
expect_eq "$(jq -r .release.id "$ev")" "rel-2026-02-11-01" "release id"

# append and show
run evidence append --evidence "$ev" --step license-check --decision DENY --reason "GPL-3.0 in libfoo" \
  --reason "replace libfoo or get an exception" --env staging --stage 10 --summary '{"violations":1}'
expect_rc 0 "append DENY"
expect_contains "$out" "$ev: appended license-check DENY (head sha256:" "append line"
printf 'report' > "$TMP/report.json"
run evidence append --evidence "$ev" --step sbom-check --decision ALLOW --digest "$digest" --input "$TMP/report.json"
expect_rc 0 "append with matching --digest"
expect_eq "$(jq -r '.records[1].inputs[0].sha256' "$ev")" "$(sha256sum "$TMP/report.json" | cut -d' ' -f1)" "input hashed"
run evidence append --evidence "$ev" --step sbom-check --decision ALLOW --digest "$other"
expect_rc 2 "append with another artifact"
expect_contains "$err" "evidence: error: $ev: artifact $other does not match the evidence subject $digest" "digest mismatch"
run evidence append --evidence "$ev" --step sbom-check --decision MAYBE
expect_rc 2 "bad decision"
expect_contains "$err" "--decision: unknown decision 'MAYBE'" "bad decision named"
run evidence append --evidence "$ev" --step "Bad Name" --decision ALLOW
expect_rc 2 "bad step name"
run evidence append --evidence "$ev" --step x --decision ALLOW --summary '[1]'
expect_rc 2 "summary not an object"
expect_eq "$(jq '.records | length' "$ev")" "2" "refused appends wrote nothing"

run evidence show --evidence "$ev"
expect_rc 0 "show"
expect_contains "$out" "subject:  ghcr.io/acme/api@$digest" "show subject"
expect_contains "$out" "chain:    intact, 2 records, 0 signed" "show chain"
expect_contains "$out" "license-check  DENY  env=staging  stage=10" "show record line"
expect_contains "$out" "      - GPL-3.0 in libfoo" "show reasons"
run evidence show --evidence "$ev" --format json
expect_rc 0 "show json"
expect_eq "$(echo "$out" | jq -r '.records[0].decision')" "DENY" "show json is the document"
run evidence show --evidence "$ev" --format yaml
expect_rc 2 "bad format"

run evidence verify --evidence "$ev"
expect_rc 0 "verify intact"
expect_eq "$out" "$ev: chain intact: 2 records, 0 signed (integrity only: pass --key to check who wrote them)
head: $(jq -r .head <<< "$(evidence verify --evidence "$ev" --format json)")" "verify line"
run evidence verify --evidence "$ev" --format json
expect_rc 0 "verify json"
expect_eq "$(echo "$out" | jq -c '[.intact, .records, .first_bad_index]')" "[true,2,null]" "verify json fields"

# missing file / no subject, unreadable, newer schema
run evidence append --evidence "$TMP/none.json" --step x --decision ALLOW
expect_rc 2 "append to a missing file without --subject"
expect_contains "$err" "pass --subject NAME@DIGEST to create it, or run \`evidence init" "missing file says how"
run evidence append --evidence "$TMP/new.json" --step x --decision ALLOW --subject "api@$digest"
expect_rc 0 "append creates with --subject"
run evidence verify --evidence "$TMP/none.json"
expect_rc 2 "verify a missing file"
expect_contains "$err" "evidence: error: $TMP/none.json: cannot read" "missing file named"
echo '{"schema":"relgate.evidence/v3","records":[]}' > "$TMP/v3.json"
run evidence verify --evidence "$TMP/v3.json"
expect_rc 2 "newer schema"
expect_contains "$err" "written by a newer relgate" "newer schema: upgrade hint"
echo 'not json' > "$TMP/junk.json"
run evidence show --evidence "$TMP/junk.json"
expect_rc 2 "junk"
expect_contains "$err" "$TMP/junk.json: invalid JSON at byte 1: Invalid value" "junk named"

finish
