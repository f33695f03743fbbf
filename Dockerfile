# One image for the web app and the worker. Debian bookworm, as the machines the app is developed on:
# oneDNN and the dataset come from Debian's packages; the native training backend is built here.
FROM node:20-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 libdnnl-dev dataset-fashion-mnist \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY scripts/postinstall.mjs ./scripts/postinstall.mjs
COPY lib/ml/backend/native ./lib/ml/backend/native
# Not `npm ci`: it rejects this lock file, which lacks other platforms' optional packages (@next/swc-darwin-*,
# msgpackr-extract-win32-*, …) because the registry it was made against does not serve them; `npm install`
# installs from the same lock and tolerates that, and --no-save leaves the lock as committed (as .ci/run does).
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node ships its CPU binaries; its install script would otherwise
# download CUDA ones (npm 11 reads package.json's allowScripts for that; this image's npm 10 does not).
RUN ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --no-save
COPY . .
RUN NEXT_TELEMETRY_DISABLED=1 node node_modules/next/dist/bin/next build
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
EXPOSE 3000
# Every address, so that `docker run -p 3000:3000` can reach it — and therefore only with LAB_PASSWORD set: the
# server refuses to start without it (lib/auth/listen.ts checks both HOST and the address actually bound).
ENV HOST=0.0.0.0
# WEB_PROCESSES `next start` processes on one port (scripts/web-server.mjs, as npm start runs it): one process serves
# one request at a time, so give it the cores the container gets (`docker run -e WEB_PROCESSES=4`).
ENV WEB_PROCESSES=2
CMD ["sh", "-c", "exec node scripts/web-server.mjs 0.0.0.0 3000 \"$WEB_PROCESSES\""]
