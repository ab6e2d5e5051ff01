# syntax=docker/dockerfile:1
# Multi-stage build: compile with every dependency, run with production dependencies only, as a non-root user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm ci` rejects lockfiles that omit other platforms' optional packages; `npm install` keeps the locked versions.
RUN npm install --no-audit --no-fund --loglevel=error
COPY tsconfig.json tsup.config.ts ./
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --loglevel=error && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HTTP_PORT=8080
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
# Migrations run at start-up; SIGTERM stops the bot cleanly within 10 seconds.
STOPSIGNAL SIGTERM
CMD ["node", "dist/index.js"]
