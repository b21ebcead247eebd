# One image for every process of the hub: the gateway (default) and each subgraph
# (`node --import tsx subgraphs/main.ts <name>`, see docker-compose.yml).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so a source change does not reinstall them. tsx is a runtime
# dependency: the services run the TypeScript sources directly.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .

USER node
EXPOSE 4000
CMD ["node", "--import", "tsx", "gateway/main.ts"]
