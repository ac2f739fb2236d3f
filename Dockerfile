# relgate's container image: the release binaries on a slim Debian 12, run as a non-root user.
#   docker build -t relgate:<version> --build-arg RELGATE_VERSION=<version> \
#     --build-arg RELGATE_REVISION=$(git rev-parse HEAD) \
#     --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) .
# Stages:
#   build     compiles the tree with scripts/release.sh --unsigned --no-deb (Debian 12, portable build)
#   prebuilt  takes a release tarball made beforehand instead: dist/relgate-<v>-linux-<arch>.tar.gz,
#             checked against dist/SHA256SUMS (--build-arg RELGATE_SOURCE=prebuilt; nothing compiles)
#   runtime   the image (last stage, the default target)
# The base images are build arguments (BUILDER_IMAGE, RUNTIME_IMAGE): pin them by digest in CI.
# The binaries are in /usr/local/bin and find their policies in /usr/local/share/relgate/policies.
ARG BUILDER_IMAGE=debian:12
ARG RUNTIME_IMAGE=debian:12-slim
ARG RELGATE_SOURCE=build

FROM ${BUILDER_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config binutils libboost-program-options-dev rapidjson-dev \
      libcurl4-openssl-dev libssl-dev libtomlplusplus-dev libre2-dev libxxhash-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt LICENSE README.md ./
COPY cmake/ cmake/
COPY common/ common/
COPY steps/ steps/
COPY policies/ policies/
COPY docs/ docs/
COPY scripts/release.sh scripts/
# The context has no .git: the tarball's mtimes come from here (pass the last commit's time).
ARG SOURCE_DATE_EPOCH=0
RUN scripts/release.sh --unsigned --no-deb --out /dist \
 && mkdir -p /out/relgate \
 && tar -xzf "/dist/relgate-$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/release/CMakeCache.txt)-linux-$(dpkg --print-architecture).tar.gz" \
      -C /out/relgate --strip-components=1 --no-same-owner

FROM ${RUNTIME_IMAGE} AS prebuilt
# Set by docker buildx and podman from the target platform (podman 4.3 warns unless it is passed).
ARG TARGETARCH
COPY dist/SHA256SUMS dist/relgate-*-linux-${TARGETARCH}.tar.gz /tmp/dist/
RUN set -eu; cd /tmp/dist; set -- relgate-*-linux-*.tar.gz; \
    [ "$#" -eq 1 ] || { echo "prebuilt: expected one release tarball for ${TARGETARCH} in dist/, found: $*" >&2; exit 1; }; \
    sha256sum --strict --ignore-missing -c SHA256SUMS; \
    mkdir -p /out/relgate; tar -xzf "$1" -C /out/relgate --strip-components=1 --no-same-owner; \
    rm -rf /tmp/dist

FROM ${RELGATE_SOURCE} AS bundle

FROM ${RUNTIME_IMAGE} AS runtime
ARG RELGATE_VERSION=unknown
ARG RELGATE_REVISION=unknown
ARG RELGATE_UID=10001
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git ca-certificates libcurl4 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid "${RELGATE_UID}" relgate \
 && useradd --no-log-init --system --uid "${RELGATE_UID}" --gid relgate --create-home --home-dir /home/relgate \
      --shell /usr/sbin/nologin relgate
COPY --from=bundle /out/relgate/bin/ /usr/local/bin/
COPY --from=bundle /out/relgate/share/ /usr/local/share/
LABEL org.opencontainers.image.title="relgate" \
      org.opencontainers.image.description="Release gates for CI pipelines: signatures, scans, SLOs, GitOps promotion and rollback" \
      org.opencontainers.image.version="${RELGATE_VERSION}" \
      org.opencontainers.image.revision="${RELGATE_REVISION}" \
      org.opencontainers.image.source="https://github.com/relgate/relgate" \
      org.opencontainers.image.url="https://github.com/relgate/relgate" \
      org.opencontainers.image.documentation="https://github.com/relgate/relgate/tree/main/docs" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.vendor="relgate"
USER ${RELGATE_UID}:${RELGATE_UID}
WORKDIR /home/relgate
CMD ["scan-gate", "--help"]
