#!/usr/bin/env node
// The catalog app. Settings (all optional):
//   SOCKET_PATH            unix socket to listen on (mode 0666); else PORT (default 3000) on HOST (127.0.0.1)
//   COLOR                  blue / green / …, sent back as X-App-Color
//   DRAIN_GRACE_MS         1500: keep listening, answering with Connection: close, after SIGTERM
//   DRAIN_TIMEOUT_MS       10000: after SIGTERM, destroy what is left and exit 0
//   KEEP_ALIVE_TIMEOUT_MS  5000: idle keep-alive timeout (keep it above nginx's upstream keepalive_timeout)
//   LOG_REQUESTS           0 to log no request lines
//   ASSETS_MANIFEST        the deploy's asset manifest: pages name each asset by its published URL
//   CATALOG_STORE          memory (default): the built-in products; postgres: the products table at DATABASE_URL
//   DATABASE_URL           postgresql://… (with CATALOG_STORE=postgres)
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './lib/app.js';
import { assetUrls, loadAssets } from './lib/assets.js';
import { memoryStore, postgresStore } from './lib/catalog-store.js';
import { readConfig } from './lib/config.js';
import { installDrain } from './lib/drain.js';
import { listen } from './lib/listen.js';
import { log, logError } from './lib/log.js';
import { readRelease } from './lib/release.js';

const appDir = dirname(fileURLToPath(import.meta.url));
const { config, errors } = readConfig(process.env);
if (errors.length > 0) {
  for (const error of errors) logError('bad setting', { error });
  process.exit(2);
}

const release = { ...readRelease(appDir), color: config.color, assetUrl: assetUrls(process.env.ASSETS_MANIFEST) };
const state = { draining: false };
const store = config.catalogStore === 'postgres' && config.databaseUrl ? await postgresStore(config.databaseUrl) : memoryStore();
const app = createApp({ release, store, assets: loadAssets(join(appDir, 'public')), state, logRequests: config.logRequests });
const server = createServer(app);
server.keepAliveTimeout = config.keepAliveTimeoutMs;
server.headersTimeout = Math.max(60_000, config.keepAliveTimeoutMs + 1000);

installDrain(server, { state, graceMs: config.drainGraceMs, timeoutMs: config.drainTimeoutMs });

try {
  const where = await listen(server, config);
  server.on('error', (error) => {
    logError('server error', { error: String(error) });
    process.exit(1);
  });
  log('listening', {
    ...where,
    version: release.version,
    color: release.color,
    broken: release.broken || undefined,
    pid: process.pid,
    node: process.version,
    catalog: config.catalogStore,
    drainGraceMs: config.drainGraceMs,
    drainTimeoutMs: config.drainTimeoutMs,
  });
} catch (error) {
  logError('cannot listen', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
