/** The two HTML pages. Every value is escaped. */

/** @param {unknown} value */
export function escapeHtml(value) {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** @param {number} cents */
const price = (cents) => `€${(cents / 100).toFixed(2)}`;

/** @param {string} title @param {string} body @param {{ version: string, color: string, assetUrl?: (name: string) => string }} release */
function layout(title, body, release) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${escapeHtml(release.assetUrl?.('favicon.svg') ?? '/assets/favicon.svg')}">
<link rel="stylesheet" href="${escapeHtml(release.assetUrl?.('app.css') ?? '/assets/app.css')}">
</head>
<body class="color-${escapeHtml(release.color)}">
${body}
<footer>Catalog v${escapeHtml(release.version)} · colour ${escapeHtml(release.color)}</footer>
</body>
</html>
`;
}

/**
 * @param {ReadonlyArray<{ id: number, name: string, price: number, stock: number }>} products
 * @param {{ version: string, color: string, assetUrl?: (name: string) => string }} release
 */
export function catalogPage(products, release) {
  const rows = products
    .map(
      (p) =>
        `<li><a href="/api/products/${p.id}">${escapeHtml(p.name)}</a> <span class="price">${price(p.price)}</span> <span class="stock">${p.stock} in stock</span></li>`,
    )
    .join('\n');
  return layout('Catalog', `<h1>Catalog</h1>\n<ul class="products">\n${rows}\n</ul>`, release);
}

/** @param {{ version: string, color: string, assetUrl?: (name: string) => string }} release @param {{ startedAt: string, orders: number }} stats */
export function adminPage(release, stats) {
  return layout(
    'Catalog admin',
    `<h1>Admin</h1>
<dl>
<dt>Version</dt><dd>${escapeHtml(release.version)}</dd>
<dt>Colour</dt><dd>${escapeHtml(release.color)}</dd>
<dt>Started</dt><dd>${escapeHtml(stats.startedAt)}</dd>
<dt>Orders since start</dt><dd>${escapeHtml(stats.orders)}</dd>
</dl>`,
    release,
  );
}
