# syntax=docker/dockerfile:1
# Portcullis gateway and workers image (one image, two commands; see deploy/k8s/).
#
# glibc base: onnxruntime-node ships no musl build, so no Alpine. The services run from TypeScript source under
# tsx (a devDependency), so `npm ci --omit=dev` alone is not enough: the runtime stage installs production
# dependencies and then carries over exactly tsx and its one dependency (esbuild + its platform binary) from a full
# install of the same lockfile - no registry resolution outside the lockfile, no test/lint tooling in the image.
# `.npmrc` keeps `onnxruntime-node-install=skip` (no GPU binary download at install time).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps-full
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund

FROM ${NODE_IMAGE} AS deps-prod
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

# The build context (filtered by .dockerignore); models/ may be absent in a fresh clone, so make sure it exists.
FROM ${NODE_IMAGE} AS source
WORKDIR /src
COPY . .
RUN mkdir -p models

# HOST=0.0.0.0: with no config file the embedded demo (public key and tokens) refuses to start on it unless
# PORTCULLIS_DEMO_PUBLIC=1 is set; give the container a config (PORTCULLIS_CONFIG), as deploy/k8s/ does.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    PORTCULLIS_DATA_DIR=/var/lib/portcullis \
    PORTCULLIS_MODELS_DIR=/app/models
WORKDIR /app
COPY --from=deps-prod /app/node_modules ./node_modules
COPY --from=deps-full /app/node_modules/tsx ./node_modules/tsx
COPY --from=deps-full /app/node_modules/esbuild ./node_modules/esbuild
COPY --from=deps-full /app/node_modules/@esbuild ./node_modules/@esbuild
RUN mkdir -p node_modules/.bin \
    && ln -sf ../tsx/dist/cli.mjs node_modules/.bin/tsx \
    && mkdir -p /var/lib/portcullis \
    && chown -R node:node /var/lib/portcullis
COPY --from=source /src/package.json /src/package-lock.json /src/.npmrc /src/tsconfig.json ./
COPY --from=source /src/contracts ./contracts
COPY --from=source /src/classifiers ./classifiers
COPY --from=source /src/gateway ./gateway
COPY --from=source /src/workers ./workers
# The embedded default's demo upstream lives here (used only when no config file is given).
COPY --from=source /src/bench/mock-upstream ./bench/mock-upstream
# Trained models (models/<stage>/manifest.json + model.onnx) are loaded automatically when present.
COPY --from=source /src/models ./models
USER node
EXPOSE 8787 9788
# Gateway only; workers run as their own Deployment (command: node --import tsx workers/main.ts).
# Set PORTCULLIS_WORKERS=auto to run one gateway process per CPU the container is given.
CMD ["node", "--import", "tsx", "gateway/main.ts", "--no-workers"]
