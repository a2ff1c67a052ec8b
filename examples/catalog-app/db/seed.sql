-- The sample catalog, loaded once into a developer's new database by pnpm dev:setup (seed in
-- config/local.json). Not a migration: no other environment gets these rows.
INSERT INTO products (id, name, price_cents, stock) VALUES
  (1, 'Signal lamp', 4900, 12),
  (2, 'Point lever', 12900, 4),
  (3, 'Brass whistle', 1500, 40),
  (4, 'Timetable, 1962', 2200, 7),
  (5, 'Lantern wick (pack of 10)', 600, 120),
  (6, 'Buffer stop', 89000, 1),
  (7, 'Semaphore arm, restored', 31500, 2);
