# regent: the policy compiler, bundle toolchain and ext_authz sidecar, as one image.
# Stage 1 builds the AssemblyScript wasm runtime, the TypeScript and the example AI-gateway
# bundle; stage 2 ships only production dependencies and the compiled output, as a non-root user.
#   docker build -t regent .
#   docker run --rm -p 9191:9191 -p 8181:8181 regent            # serves the example bundle
#   docker run --rm -v $PWD/regent.yaml:/etc/regent/regent.yaml regent serve --config /etc/regent/regent.yaml

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY proto ./proto
COPY bin ./bin
COPY policies ./policies
COPY bundles ./bundles
RUN npm run build \
 && node bin/regent.js build --bundle bundles/ai-gateway --revision "image" -o /src/ai-gateway.tar.gz

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /opt/regent
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY --from=build /src/build/runtime.wasm ./build/runtime.wasm
COPY --from=build /src/bin ./bin
COPY --from=build /src/proto ./proto
COPY --from=build /src/ai-gateway.tar.gz ./bundles/ai-gateway.tar.gz
# The node image's unprivileged user; /var/lib/regent holds the last verified bundle.
RUN mkdir -p /var/lib/regent && chown node:node /var/lib/regent
USER node
EXPOSE 9191 8181
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8181/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/regent/bin/regent.js"]
CMD ["serve", "--bundle", "/opt/regent/bundles/ai-gateway.tar.gz", "--persist-dir", "/var/lib/regent", "--addr", "0.0.0.0:9191", "--admin-addr", "0.0.0.0:8181"]
