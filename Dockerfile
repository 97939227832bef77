# syntax=docker/dockerfile:1
# Backchannel's container image: three stages, so the final image carries no
# compiler, no dev dependencies and no build cache.
#
#   docker build -t backchannel .
#   docker run --init -p 3000:3000 -v backchannel-data:/app/data backchannel
#
# The entry point is `npm start` (bin/start.mjs), the path the tests run: it
# applies pending migrations, then serves on PORT. Configuration is the
# environment (README: Configuration, Operations); several instances on one
# PostgreSQL: compose.yaml.

ARG NODE_VERSION=20

# 1. Dependencies, with the tools better-sqlite3 compiles with. postinstall
#    generates the Prisma clients (lib/generated) from prisma/.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Node's own headers (this image has them): node-gyp needs no download.
ENV npm_config_nodedir=/usr/local \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/prisma-generate.mjs
RUN npm ci --no-audit --no-fund

# 2. The production build, then the dev dependencies removed. Secrets the build
#    might create go to a throw-away directory, never into the image.
FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 \
    BACKCHANNEL_DATA_DIR=/tmp/build-data
RUN npx next build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .next/cache /tmp/build-data data

# 3. The runtime: Node and the app, owned by root and read-only to the
#    unprivileged `node` user it runs as; only /app/data (SQLite and the
#    generated secrets, when no DATABASE_URL/AUTH_SECRET is given) is writable.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PORT=3000 \
    HOST=0.0.0.0 \
    BACKCHANNEL_DATA_DIR=/app/data
COPY --from=build /app /app
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
# /healthz: the process is alive (README: Operations). The slim image has no curl: Node's fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM (docker stop) reaches the server through npm: it finishes in-flight requests, then exits.
STOPSIGNAL SIGTERM
CMD ["npm", "start"]
