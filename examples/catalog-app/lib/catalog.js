import { randomUUID } from 'node:crypto';

/** The in-memory catalog. Prices are in cents. */
export const products = Object.freeze(
  [
    { id: 1, name: 'Signal lamp', price: 4900, stock: 12 },
    { id: 2, name: 'Point lever', price: 12900, stock: 4 },
    { id: 3, name: 'Brass whistle', price: 1500, stock: 40 },
    { id: 4, name: 'Timetable, 1962', price: 2200, stock: 7 },
    { id: 5, name: 'Lantern wick (pack of 10)', price: 600, stock: 120 },
    { id: 6, name: 'Buffer stop', price: 89000, stock: 1 },
  ].map((p) => Object.freeze(p)),
);

/** @param {string} id */
export function findProduct(id) {
  if (!/^\d{1,9}$/.test(id)) return undefined;
  return products.find((p) => p.id === Number(id));
}

const MAX_ORDERS_KEPT = 1000;
/** @type {Map<string, object>} */
const orders = new Map();

/**
 * Records an order. Any JSON body is accepted (load tests post whatever they like); known
 * product ids in `items` are priced.
 *
 * @param {unknown} body
 */
export function createOrder(body) {
  const items =
    body && typeof body === 'object' && Array.isArray(/** @type {any} */ (body).items)
      ? /** @type {any} */ (body).items
      : [];
  let total = 0;
  for (const item of items) {
    const product = item && findProduct(String(item.productId));
    if (product) total += product.price * (Number.isInteger(item.quantity) ? item.quantity : 1);
  }
  const order = { id: randomUUID(), items: items.length, total, createdAt: new Date().toISOString() };
  orders.set(order.id, order);
  if (orders.size > MAX_ORDERS_KEPT) orders.delete(orders.keys().next().value);
  return order;
}
