# CPack: the Debian package of a release (scripts/release.sh runs cpack with this configuration
# over its stripped staging folder; `cpack -G DEB` in a build folder also works, unstripped).
# Installs to /usr, so the default policies land in /usr/share/relgate/policies, which is
# <exe>/../share/relgate/policies for /usr/bin/<step>: where the binaries look.
set(RELGATE_DEB_MAINTAINER "relgate maintainers <relgate@users.noreply.github.com>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_PACKAGE_NAME relgate)
set(CPACK_PACKAGE_VENDOR relgate)
set(CPACK_PACKAGE_CONTACT "${RELGATE_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "release gates for CI pipelines (signatures, scans, SLOs, GitOps promotion)")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/relgate/relgate")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # relgate_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${RELGATE_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "release gates for CI pipelines (signatures, scans, SLOs, GitOps promotion)
 Small executables that stand between \"tests passed\" and \"deployed\":
 verify-signature (cosign keys, Sigstore bundles, in-toto/SLSA), scan-gate
 (Trivy, Grype, SARIF, CycloneDX with VEX, KEV, EPSS), slo-check (Prometheus),
 promote and rollback (GitOps repositories) and evidence (a hash-chained,
 signed record of every decision). Every error fails closed.")
# The binaries link libstdc++, libgcc, Boost and RE2 statically (cmake/Portable.cmake): what is left
# are glibc (floor 2.35, checked by the release), libcurl and OpenSSL 3. Names as Debian 12 and
# Ubuntu 22.04 spell them; Ubuntu 24.04's libcurl4t64/libssl3t64 provide them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.35), libcurl4, libssl3")
# promote and rollback run git; slo-check and the downloads want CA certificates.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "git, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
