import { randomUUID } from 'node:crypto';
import { createOrder } from './catalog.js';
import { HttpError, readJson, send, sendJson } from './http.js';
import { log, logError } from './log.js';
import { adminPage, catalogPage } from './pages.js';

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request handler. `state.draining` is set by the drain on SIGTERM: from then on every
 * response carries `Connection: close`, so that each connection ends after its current request.
 *
 * @param {{
 *   release: { version: string, color: string, broken: boolean, assetUrl?: (name: string) => string },
 *   store: import('./catalog-store.js').CatalogStore,
 *   assets: Map<string, { body: Buffer, type: string }>,
 *   state: { draining: boolean },
 *   logRequests: boolean,
 * }} options
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
export function createApp({ release, store, assets, state, logRequests }) {
  const startedAt = new Date().toISOString();
  let orderCount = 0;

  /** @type {Record<string, (req: any, res: any, url: URL) => unknown>} */
  const exact = {
    '/': async (_req, res) => send(res, 200, 'text/html; charset=utf-8', catalogPage(await store.products(), release)),
    '/admin/': (_req, res) =>
      send(res, 200, 'text/html; charset=utf-8', adminPage(release, { startedAt, orders: orderCount })),
    '/admin': (_req, res) => {
      res.setHeader('Location', '/admin/');
      send(res, 301, 'text/plain; charset=utf-8', 'moved to /admin/\n');
    },
    '/health': (_req, res) =>
      release.broken
        ? send(res, 500, 'text/plain; charset=utf-8', 'broken')
        : send(res, 200, 'text/plain; charset=utf-8', 'ok'),
    '/health/db': async (_req, res) => {
      const { ok, body } = await store.health();
      sendJson(res, ok ? 200 : 503, body);
    },
    '/health/cache': (_req, res) =>
      sendJson(res, 200, { status: 'ok', check: 'cache', simulated: true, latencyMs: 0 }),
    '/api/products': async (_req, res) => send(res, 200, 'application/json; charset=utf-8', `${JSON.stringify(await store.products())}\n`),
  };

  /** @param {any} req @param {any} res @param {URL} url */
  async function route(req, res, url) {
    const path = url.pathname;
    if (path === '/api/orders') {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      const order = createOrder(await readJson(req));
      orderCount++;
      res.setHeader('Location', `/api/orders/${order.id}`);
      return sendJson(res, 201, { ...order, requestId: res.getHeader('X-Request-ID') });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    const handler = exact[path];
    if (handler) return handler(req, res, url);
    if (path.startsWith('/api/products/')) {
      const product = await store.product(path.slice('/api/products/'.length));
      return product
        ? sendJson(res, 200, product)
        : sendJson(res, 404, { error: 'no such product' });
    }
    if (path.startsWith('/assets/')) {
      const asset = assets.get(path.slice('/assets/'.length));
      if (asset) {
        res.setHeader('Cache-Control', 'public, max-age=60');
        return send(res, 200, asset.type, asset.body);
      }
    }
    return sendJson(res, 404, { error: 'not found' });
  }

  return (req, res) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-ID', requestId);
    res.setHeader('X-App-Version', release.version);
    res.setHeader('X-App-Color', release.color);
    if (state.draining) res.setHeader('Connection', 'close');

    res.on('finish', () => {
      if (!logRequests) return;
      log('request', {
        requestId,
        method: req.method,
        path: req.url,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        draining: state.draining || undefined,
      });
    });

    let url;
    try {
      url = new URL(req.url ?? '/', 'http://app.invalid');
    } catch {
      return sendJson(res, 400, { error: 'bad request target' });
    }
    route(req, res, url).catch((error) => {
      if (res.headersSent) return res.destroy();
      if (error instanceof HttpError) {
        // The rest of the body may be unread: do not reuse this connection.
        res.setHeader('Connection', 'close');
        return sendJson(res, error.status, { error: error.message });
      }
      logError('handler failed', { requestId, error: String(error?.stack ?? error) });
      sendJson(res, 500, { error: 'internal error' });
    });
  };
}

/** @param {import('node:http').ServerResponse} res @param {string} allow */
function methodNotAllowed(res, allow) {
  res.setHeader('Allow', allow);
  sendJson(res, 405, { error: 'method not allowed' });
}
