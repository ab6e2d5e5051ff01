# syntax=docker/dockerfile:1
# Multi-stage build: compile with every dependency, run with production dependencies only, as a non-root user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# package.json declares the workspace `emulator` (the local Discord for tests, demo and benchmarks, see
# emulator/README.md). It is deliberately not copied into the image: npm reads `workspaces` as file patterns
# (docs.npmjs.com, package.json "workspaces"), so a pattern matching no folder is no workspace and npm installs the
# root package's dependencies alone, as before the workspace existed. Copying emulator/package.json would instead
# link the emulator and install its own dependencies (ajv, ...) as production ones: `--omit=dev` does not omit a
# workspace (checked with `npm install --omit=dev --dry-run`, npm 11: 105 packages without the folder, 111 with it).
COPY package.json package-lock.json ./
# `npm ci` rejects lockfiles that omit other platforms' optional packages; `npm install` keeps the locked versions.
RUN npm install --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsup.config.ts ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
# Without emulator/ (see the build stage): production dependencies of the bot only.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
# Memory (README "Operations", bench:memory in bench/README.md), all read by the C library when the process starts,
# so none can come from .env:
# - jemalloc instead of glibc's malloc (LD_PRELOAD), one arena, freed pages returned after 1 s: at 1,000 guilds the
#   memory outside V8's heap fell from 41 to 24 MiB;
# - MALLOC_ARENA_MAX=2 for glibc's malloc should jemalloc not load: at most two arenas instead of one per thread that
#   allocates (Node has 11 or so: libuv's pool, V8's workers), each holding freed memory of its own.
# The Node flags are in CMD (the same as `npm start`'s; tests/core/shippedStart.test.ts).
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HTTP_PORT=8080 \
    LD_PRELOAD=libjemalloc.so.2 \
    MALLOC_CONF=narenas:1,dirty_decay_ms:1000,muzzy_decay_ms:0 \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node locales ./locales
COPY --chown=node:node config ./config
USER node
EXPOSE 8080
# Ready only when the gateway, PostgreSQL and Redis are (see /healthz in the README).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations run at start-up; SIGTERM stops the bot cleanly within 10 seconds. --max-semi-space-size=8: V8's young
# generation at most 2 x 8 MiB (its default grows to 2 x 64 MiB, all of it resident; 4 MiB doubled the collections
# under heavy chat, bench/README.md); --expose-gc: the memory-reducing collection once ready (src/lib/memory.ts); the
# same flags as `npm start`.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=8", "--expose-gc", "dist/index.js"]
