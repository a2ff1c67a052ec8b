import { findProduct, products } from './catalog.js';

/** @typedef {{ id: number, name: string, price: number, stock: number }} Product */
/**
 * @typedef {{
 *   products(): Promise<ReadonlyArray<Product>>,
 *   product(id: string): Promise<Product | undefined>,
 *   health(): Promise<{ ok: boolean, body: object }>,
 * }} CatalogStore
 */

const PRODUCT_ID = /^\d{1,9}$/;

/** The built-in catalog: the same six products on every start, no database. @returns {CatalogStore} */
export function memoryStore() {
  return {
    products: async () => products,
    product: async (id) => findProduct(id),
    health: async () => ({ ok: true, body: { status: 'ok', check: 'db', simulated: true, latencyMs: 0 } }),
  };
}

/**
 * The `products` table of the PostgreSQL database at `url` (db/migrations/ creates it, db/seed.sql
 * fills it). Each request reads it, so a change to the table shows at once.
 *
 * @param {string} url
 * @returns {Promise<CatalogStore>}
 */
export async function postgresStore(url) {
  const { default: pg } = await import('pg');
  // Few connections: the embedded database serves one query at a time anyway. allowExitOnIdle: the
  // drain's exit is not held up by idle connections.
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, allowExitOnIdle: true });
  // A pooled connection the server drops emits 'error'; unheard, it would end the process.
  pool.on('error', () => undefined);
  /** @param {any} row @returns {Product} */
  const product = (row) => ({ id: row.id, name: row.name, price: row.price_cents, stock: row.stock });
  return {
    async products() {
      return (await pool.query('SELECT id, name, price_cents, stock FROM products ORDER BY id')).rows.map(product);
    },
    async product(id) {
      if (!PRODUCT_ID.test(id)) return undefined;
      const { rows } = await pool.query('SELECT id, name, price_cents, stock FROM products WHERE id = $1', [Number(id)]);
      return rows[0] && product(rows[0]);
    },
    async health() {
      const started = performance.now();
      try {
        await pool.query('SELECT 1');
        return { ok: true, body: { status: 'ok', check: 'db', latencyMs: Math.round(performance.now() - started) } };
      } catch (error) {
        return { ok: false, body: { status: 'fail', check: 'db', error: error instanceof Error ? error.message : String(error) } };
      }
    },
  };
}
