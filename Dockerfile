FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
ENV HOST=0.0.0.0 PORT=6060
EXPOSE 6060
ENTRYPOINT ["node", "bin/flowledger.js"]
CMD ["serve"]
