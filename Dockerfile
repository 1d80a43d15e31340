# syntax=docker/dockerfile:1
# The spark-mesos-dispatcher image: Node.js 24 on Debian bookworm slim, the compiled dispatcher
# and its production dependencies only, run as a non-root user (UID 185, Spark's own image user)
# on a read-only root file system (it writes nothing but stdout; HOME and TMPDIR are /tmp).
#   docker build -t spark-mesos-dispatcher .
#   docker run --rm spark-mesos-dispatcher --help
# Release builds fill in the OCI labels:
#   --build-arg VERSION=<version> --build-arg REVISION=$(git rev-parse HEAD)
#   --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) --build-arg SOURCE=<repository URL>
# test/dockerfile/ checks that what this file copies and runs exists and starts.

ARG NODE_IMAGE=node:24-bookworm-slim

# Build: every dependency from the lockfile (without install scripts: the base image already has
# Node 24, so the `node` devDependency's download is not needed), then `make build`'s compile.
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json
# The kubectl plugin runs as a program of its own (#!/usr/bin/env node).
RUN chmod 0755 dist/cli/kubectl-sparkdriver.js

# Production dependencies only, in a stage of their own so no npm cache reaches the image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="spark-mesos-dispatcher" \
      org.opencontainers.image.description="A Kubernetes operator that replaces Apache Spark's Mesos cluster dispatcher" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
# The package managers are not needed to run; without them the image carries less to patch.
# A passwd entry for the user, so the Mesos FrameworkInfo.user is `spark` (SPARK_USER overrides).
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && groupadd --system --gid 185 spark \
 && useradd --system --uid 185 --gid 185 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin spark
ENV NODE_ENV=production \
    SMD_REVISION=${REVISION} \
    HOME=/tmp \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY package.json ./
COPY proto/ proto/
COPY scripts/start.sh scripts/start.sh
COPY --from=build /build/dist/ dist/
# The kubectl plugin, on the PATH: `kubectl exec deploy/<release> -- kubectl-sparkdriver logs NAME`,
# or `docker cp` it out to use with your own kubectl.
RUN ln -s /app/dist/cli/kubectl-sparkdriver.js /usr/local/bin/kubectl-sparkdriver
USER 185:185
# REST submissions (spark-submit), web UI, /metrics with /healthz and /readyz.
EXPOSE 7077 8081 8080
# node on dist/main.js with V8 flags for the container's memory limit (see the script); the
# chart passes the limit as SMD_MEMORY_LIMIT_MIB, `docker run --memory` through the cgroup.
ENTRYPOINT ["/app/scripts/start.sh"]
