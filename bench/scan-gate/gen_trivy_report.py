#!/usr/bin/env python3
"""Writes a large Trivy SchemaVersion 2 report shaped like real output (pretty-printed, ~4 KB per
vulnerability with descriptions, references, CVSS and vendor severities), for the scan-gate bench.

usage: gen_trivy_report.py [--dense] OUT.json [SIZE_MB]   (default 200)
Each result target repeats some vulnerabilities of other targets, so merging is exercised.

--dense: the shape where cost follows the number of findings, not the bytes: short records
(~870 bytes, no description, one reference), up to 250,000 distinct (id, package, version)
findings (125,000 CVE ids, each in two of 4,001 packages) before any repeats.
"""
import json
import sys

args = sys.argv[1:]
dense = bool(args) and args[0] == "--dense"
if dense:
    args = args[1:]
out_path = args[0]
target_bytes = int(float(args[1]) if len(args) > 1 else 200) * 1024 * 1024

SEVERITIES = ["CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW", "UNKNOWN"]
STATUSES = ["fixed", "fixed", "affected", "will_not_fix", "fixed"]
DISTINCT = 45000
WORDS = ("buffer overflow in the parser allows remote attackers to execute arbitrary code via a crafted "
         "input file because bounds are not checked when the length field exceeds the allocated size ").split()


def description(i):
    words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(110)]
    return " ".join(words)


def vulnerability(n, target_index):
    # Records repeat after DISTINCT, in other targets: the same finding in several layers.
    i = n % DISTINCT
    vid = "CVE-%d-%05d" % (2015 + i % 10, i % 40000)
    pkg = "libpkg%d" % (i % 3000)
    ver = "1.%d.%d-r%d" % (i % 13, i % 7, i % 5)
    status = STATUSES[i % len(STATUSES)]
    record = {
        "VulnerabilityID": vid,
        "PkgID": pkg + "@" + ver,
        "PkgName": pkg,
        "PkgIdentifier": {"PURL": "pkg:apk/alpine/%s@%s?arch=x86_64&distro=3.19.1" % (pkg, ver),
                          "UID": "%016x" % (i * 2654435761 % (1 << 64))},
        "InstalledVersion": ver,
        "FixedVersion": ("1.%d.%d-r9, 2.0.%d" % (i % 13, i % 7 + 1, i % 3)) if status == "fixed" else "",
        "Status": status,
        "Layer": {"Digest": "sha256:%064x" % (target_index + 1), "DiffID": "sha256:%064x" % (target_index + 7)},
        "SeveritySource": "nvd",
        "PrimaryURL": "https://avd.aquasec.com/nvd/" + vid.lower(),
        "DataSource": {"ID": "alpine", "Name": "Alpine Secdb", "URL": "https://secdb.alpinelinux.org/"},
        "Fingerprint": "sha256:%064x" % (i * 40503 + target_index),
        "Title": "%s: %s" % (pkg, " ".join(WORDS[i % 9: i % 9 + 6])),
        "Description": description(i),
        "Severity": SEVERITIES[i % len(SEVERITIES)],
        "CweIDs": ["CWE-%d" % (100 + i % 700)],
        "VendorSeverity": {"amazon": 2, "nvd": 1 + i % 4, "redhat": 2, "ubuntu": 1},
        "CVSS": {
            "nvd": {"V2Vector": "AV:N/AC:L/Au:N/C:P/I:N/A:N",
                    "V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
                    "V2Score": 5, "V3Score": round(1.0 + (i % 90) / 10.0, 1)},
            "redhat": {"V3Vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N", "V3Score": 4.8},
        },
        "References": ["https://example.org/advisories/%s/%d" % (vid, k) for k in range(14)],
        "PublishedDate": "2019-09-10T17:15:00Z",
        "LastModifiedDate": "2023-11-07T03:05:00Z",
    }
    return record


DENSE_DISTINCT = 250000


def dense_vulnerability(n, target_index):
    # i mod 125,000 and i mod 4,001 (a prime) name a distinct (id, package) pair for every i below
    # 250,000: each CVE id sits in two packages, each package has ~62 CVEs, as in a real image.
    i = n % DENSE_DISTINCT
    vid = "CVE-%d-%d" % (2010 + i % 15, 10000 + (i % 125000) // 15)
    pkg = "libpkg%d" % (i % 4001)
    ver = "1.%d.%d-r%d" % (i % 13, i % 7, i % 5)
    status = STATUSES[i % len(STATUSES)]
    return {
        "VulnerabilityID": vid,
        "PkgID": pkg + "@" + ver,
        "PkgName": pkg,
        "PkgIdentifier": {"PURL": "pkg:apk/alpine/%s@%s?arch=x86_64&distro=3.19.1" % (pkg, ver)},
        "InstalledVersion": ver,
        "FixedVersion": ("1.%d.%d-r9" % (i % 13, i % 7 + 1)) if status == "fixed" else "",
        "Status": status,
        "Layer": {"DiffID": "sha256:%064x" % (target_index + 7)},
        "PrimaryURL": "https://avd.aquasec.com/nvd/" + vid.lower(),
        "Title": "%s: %s" % (pkg, " ".join(WORDS[i % 9: i % 9 + 5])),
        "Severity": SEVERITIES[i % len(SEVERITIES)],
        "CVSS": {"nvd": {"V3Score": round(1.0 + (i % 90) / 10.0, 1)}},
        "References": ["https://example.org/advisories/%s" % vid],
    }


make_record = dense_vulnerability if dense else vulnerability

with open(out_path, "w") as out:
    header = {
        "SchemaVersion": 2,
        "CreatedAt": "2026-02-11T09:30:00Z",
        "ArtifactName": "ghcr.io/acme/big:1.0",
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "alpine", "Name": "3.19.1"},
                     "RepoDigests": ["ghcr.io/acme/big@sha256:" + "ab" * 32]},
    }
    text = json.dumps(header, indent=2)
    out.write(text[:-2] + ',\n  "Results": [\n')
    written = len(text) + 16
    i = 0
    target_index = 0
    first_result = True
    while written < target_bytes:
        if not first_result:
            out.write(",\n")
        first_result = False
        out.write('    {\n      "Target": "layer-%d (alpine 3.19.1)",\n      "Class": "os-pkgs",\n      "Type": "alpine",\n'
                  '      "Vulnerabilities": [\n' % target_index)
        chunk = []
        for _ in range(2000):
            chunk.append(json.dumps(make_record(i, target_index), indent=2).replace("\n", "\n        "))
            i += 1
        body = "        " + ",\n        ".join(chunk) + "\n      ]\n    }"
        out.write(body)
        written += len(body) + 120
        target_index += 1
    out.write("\n  ]\n}\n")
print("wrote %s: %d vulnerabilities in %d targets" % (out_path, i, target_index))
