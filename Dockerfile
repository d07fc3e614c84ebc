# newsbot image: compiled JavaScript on Node 20, production dependencies only, non-root.
#   docker build -t newsbot .
# Start-up, measured on the dev machine (2 busy cores, time to the first log line, cold cache):
# `node --import tsx src/main.ts` 3.0–4.1 s, `node dist/main.js` 1.9–2.3 s; so the image runs tsc's
# output. The article-build threads (src/workers/build-pool.ts) load their entry as TypeScript
# through tsx, so the sources are copied beside the compiled files for them.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && cp -r src/. dist/

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production \
    HTTP_PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8080
# /healthz answers 200 while Redis answers (src/http/server.ts).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HTTP_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM from `docker stop` triggers the graceful shutdown in src/main.ts.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
