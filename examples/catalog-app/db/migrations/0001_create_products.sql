-- The catalog, when the app runs with CATALOG_STORE=postgres. Prices in cents, as the API gives them.

-- migrate:up
CREATE TABLE products (
  id integer PRIMARY KEY,
  name text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  stock integer NOT NULL DEFAULT 0 CHECK (stock >= 0)
);

-- migrate:down
DROP TABLE products;
