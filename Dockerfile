# One image for the web app and the worker. Debian bookworm, as the machines the app is developed on:
# oneDNN and the dataset come from Debian's packages; the native training backend is built here.
FROM node:20-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 libdnnl-dev dataset-fashion-mnist \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY prisma ./prisma
COPY scripts/postinstall.mjs ./scripts/postinstall.mjs
COPY lib/ml/backend/native ./lib/ml/backend/native
RUN npm ci --no-audit --no-fund
COPY . .
RUN NEXT_TELEMETRY_DISABLED=1 node node_modules/next/dist/bin/next build
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
EXPOSE 3000
CMD ["node", "node_modules/next/dist/bin/next", "start", "-p", "3000"]
