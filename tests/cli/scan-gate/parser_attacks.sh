#!/usr/bin/env bash
# Red team of scan-gate's own report parser, end to end: reports written so that scan-gate reads
# another document than jq or Python read (repeated keys in other spellings, bytes after a NUL,
# whitespace JSON does not have), or so that the mapped file is read past its last byte (files of
# exactly one page). Each case is a defence that held; a crash (exit 139) or an ALLOW fails it.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
digest=sha256:$(printf 'parser attacks' | sha256sum | cut -d' ' -f1)
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
head='"SchemaVersion":2,"Metadata":{"RepoDigests":["acme/app@'$digest'"]}'
vuln_head='"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1"'
report() { # report MEMBERS_OF_THE_VULNERABILITY: a Trivy report with one vulnerability
  printf '{%s,"Results":[{"Target":"t","Vulnerabilities":[{%s,%s}]}]}' "$head" "$vuln_head" "$1"
}

# Repeated keys: jq and Python read the last Severity (LOW), so scan-gate must refuse, not pick.
n=0
for members in '"Severity":"CRITICAL","Sev\u0065rity":"LOW"' '"\u0053everity":"CRITICAL","Severity":"LOW"' \
  '"Severity":"CRITICAL","CVSS":{"Severity":1},"Severity":"LOW"' \
  "$(for i in $(seq 40); do printf '"k%d":1,' "$i"; done)"'"Severity":"CRITICAL","Sever\u0069ty":"LOW"'; do
  n=$((n + 1))
  report "$members" > dup-$n.json
  expect_eq "$(jq -r '.Results[0].Vulnerabilities[0].Severity' dup-$n.json)" LOW "jq reads the last key ($n)"
  run scan-gate --report dup-$n.json --policy policy.toml
  expect_rc 2 "a repeated Severity, spelling $n"
  expect_contains "$err" 'duplicate key "Severity"' "the repeated key is named ($n)"
done

# Keys that only look like Severity are other keys, for jq and for scan-gate: the CRITICAL counts.
for other in '"Severity\/":"LOW"' '"Severity\u0000":"LOW"' '"Severity\udc00":"LOW"'; do
  report '"Severity":"CRITICAL",'"$other" > alike.json
  run scan-gate --report alike.json --policy policy.toml --format json
  expect_rc 1 "Severity beside $other"
  expect_eq "$(jq -r '.summary.counts.critical.counted' <<<"$out")" 1 "the CRITICAL counts beside $other"
done

# A second document after a NUL byte (jq reads past it; scan-gate must not stop at it silently).
{ report '"Severity":"CRITICAL"'; printf '\0'; report '"Severity":"LOW"'; } > nul.json
run scan-gate --report nul.json --policy policy.toml
expect_rc 2 "a NUL byte after the report"
expect_contains "$err" "a NUL byte" "the NUL byte is named"

# A UTF-8 byte order mark is skipped (the finding counts); a second one, or whitespace JSON does
# not have (form feed, vertical tab, no-break space), is refused like Python refuses it.
{ printf '\xef\xbb\xbf'; report '"Severity":"CRITICAL"'; } > bom.json
run scan-gate --report bom.json --policy policy.toml
expect_rc 1 "a report after a byte order mark is read"
{ printf '\xef\xbb\xbf\xef\xbb\xbf'; report '"Severity":"CRITICAL"'; } > bom2.json
run scan-gate --report bom2.json --policy policy.toml
expect_rc 2 "two byte order marks"
for space in '\f' '\v' '\xc2\xa0'; do
  report "$(printf "$space")"'"Severity":"CRITICAL"' > space.json
  run scan-gate --report space.json --policy policy.toml
  expect_rc 2 "whitespace $space"
done

# Numbers: a score no double holds is an error; 0e400 (which RapidJSON refuses) is 0.
report '"Severity":"LOW","CVSS":{"nvd":{"V3Score":1e400}}' > big.json
run scan-gate --report big.json --policy policy.toml
expect_rc 2 "a score of 1e400"
expect_contains "$err" "too large for a double" "says why"
report '"Severity":"LOW","CVSS":{"nvd":{"V3Score":0e400}}' > zero.json
run scan-gate --report zero.json --policy policy.toml
expect_rc 0 "a score of 0e400 is 0"

# Files of exactly one page, ending inside a token: the parser reads a byte ahead there, which
# must be the zero page ReportInput maps after the file, never past the mapping.
page=$(getconf PAGESIZE)
sized() { # sized FILE TEXT TAIL: TEXT, spaces, TAIL, exactly one page
  local text=$1 tail=$2
  { printf '%s' "$text"; printf "%$((page - ${#text} - ${#tail}))s" ''; printf '%s' "$tail"; } > "$3"
}
for tail in n nul tru fals '"abc' '"\u12' - 1e '{"k": '; do
  sized "{$head,\"Results\":[],\"x\":" "$tail" page.json
  expect_eq "$(stat -c %s page.json)" "$page" "the file is one page ($tail)"
  run scan-gate --report page.json --policy policy.toml
  expect_rc 2 "a page-sized report ending in '$tail'"
  expect_contains "$err" "invalid JSON" "a page-sized report ending in '$tail' is bad JSON"
done
text=$(report '"Severity":"CRITICAL"')
sized "${text%']}]}'}" ']}]}' page.json
expect_eq "$(stat -c %s page.json)" "$page" "the complete file is one page"
run scan-gate --report page.json --policy policy.toml
expect_rc 1 "a complete page-sized report with a critical is a DENY"
finish
