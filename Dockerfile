# Multi-stage build: the first stage compiles the Rust addon (napi-rs) and the
# TypeScript; the runtime stage holds only production dependencies, dist/ and
# the addon. The same image runs the gateway (default) and the bulk worker
# (`node dist/bin/worker.js`, see docker-compose.yml).

FROM node:20-bookworm AS build
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:$PATH
RUN curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain stable
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# better-sqlite3 (the embedded database for dynamic codes) is native: build it, skipped with the other scripts above.
RUN npm rebuild better-sqlite3
COPY Cargo.toml Cargo.lock tsconfig.json ./
COPY native ./native
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production DATA_DIR=/data PORT=3003 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/native/node/package.json /app/native/node/index.js /app/native/node/*.node ./native/node/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3003
CMD ["node", "dist/bin/server.js"]
