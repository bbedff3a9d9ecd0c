# The hub's image: production dependencies only (tsx runs the TypeScript, no build step).
# docker-compose.yml builds it once for the API and every worker.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
# Runs as the image's unprivileged user; embedded mode (no DATABASE_URL) would keep its data here.
RUN mkdir -p /app/.omnihub && chown node:node /app/.omnihub
USER node
EXPOSE 3000
CMD ["node", "bin/omnihub.mjs", "start"]
