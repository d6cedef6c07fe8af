# syntax=docker/dockerfile:1
# Portcullis gateway and workers image (one image, two commands; see deploy/k8s/).
#
# glibc base: onnxruntime-node ships no musl build, so no Alpine. The build stage installs everything, then
# `npm run build` typechecks and compiles to dist/ what gateway/main.ts, workers/main.ts and their CLIs import (a type
# error fails the image build). The runtime stage holds production dependencies only, the compiled JavaScript and the
# files it reads at run time: no TypeScript sources, no tsx, no tests, data, training, eval or bench code. The demo
# upstream the embedded default starts (no config file given) is part of the gateway (dist/gateway/embedded/).
# `.npmrc` keeps `onnxruntime-node-install=skip` (no GPU binary download at install time).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
# The build context, filtered by .dockerignore.
COPY . .
# models/ is committed, but make sure it exists for the COPY below even when a checkout lacks it.
RUN npm run build && rm dist/.tsbuildinfo && mkdir -p models

FROM ${NODE_IMAGE} AS deps-prod
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

# HOST=0.0.0.0: with no config file the embedded demo (public key and tokens) refuses to start on it unless
# PORTCULLIS_DEMO_PUBLIC=1 is set; give the container a config (PORTCULLIS_CONFIG), as deploy/k8s/ does.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    PORTCULLIS_DATA_DIR=/var/lib/portcullis \
    PORTCULLIS_MODELS_DIR=/app/models
WORKDIR /app
RUN mkdir -p /var/lib/portcullis && chown -R node:node /var/lib/portcullis
COPY --from=deps-prod /app/node_modules ./node_modules
# package.json marks dist/*.js as ES modules ("type": "module"); the code finds models/ and the benign set from /app.
COPY --from=build /src/package.json ./
COPY --from=build /src/dist ./dist
# Trained models (models/<stage>/manifest.json + model.onnx) are loaded automatically when present.
COPY --from=build /src/models ./models
# The benign texts a new jailbreak signature is checked against before it goes live.
COPY --from=build /src/gateway/signatures/benign-set.jsonl ./gateway/signatures/benign-set.jsonl
# The example config files; config/*.ts (the config module) is compiled into dist/config/.
COPY --from=build /src/config/*.yaml ./config/
COPY --from=build /src/.env.example ./
USER node
EXPOSE 8787 9788
# Gateway only; workers run as their own Deployment (command: node dist/workers/main.js). Operators' CLIs:
# node dist/workers/cli/audit-verify.js, node dist/workers/cli/labels-export.js.
# Set PORTCULLIS_WORKERS=auto to run one gateway process per CPU the container is given.
CMD ["node", "dist/gateway/main.js", "--no-workers"]
