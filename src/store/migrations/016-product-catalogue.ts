import type { Migration } from './index.js';

/**
 * The product catalogue (issue 13, item 4).
 *
 * - `products` keeps one row per SKU (the unit an order line names) and gains what a catalogue
 *   export says of it: the product it is a variant of (`product_key`: Shopify's Handle, a
 *   marketplace product id), the variant's option values, vendor, the seller's type, the
 *   platform's taxonomy path, tags, status, stock and image. `source` says what wrote the row
 *   last: a catalogue format, or `orders` for a SKU first met on an order line.
 * - `product_settings` holds what the seller sets by hand (`nurture products set`): whether a
 *   product or a whole category is a consumable and its reorder cycle. Kept apart from
 *   `products` so that re-importing a catalogue never undoes a seller's setting; a product's own
 *   setting wins over its category's, which wins over what the catalogue file said.
 * - `order_lines.catalogue_category` marks a line whose category came from the catalogue (by
 *   SKU) rather than from its own file: those follow the catalogue when it changes, the others
 *   keep what their order said.
 * - `import_runs` counts products and marketing costs too.
 */
export const productCatalogue: Migration = {
  version: 16,
  name: 'product-catalogue',
  statements: [
    'ALTER TABLE products ADD COLUMN product_key VARCHAR',
    'ALTER TABLE products ADD COLUMN variant_title VARCHAR',
    'ALTER TABLE products ADD COLUMN vendor VARCHAR',
    'ALTER TABLE products ADD COLUMN product_type VARCHAR',
    'ALTER TABLE products ADD COLUMN taxonomy VARCHAR',
    'ALTER TABLE products ADD COLUMN tags VARCHAR',
    'ALTER TABLE products ADD COLUMN status VARCHAR',
    'ALTER TABLE products ADD COLUMN published BOOLEAN',
    'ALTER TABLE products ADD COLUMN inventory_qty INTEGER',
    'ALTER TABLE products ADD COLUMN image_url VARCHAR',
    'ALTER TABLE products ADD COLUMN source VARCHAR',
    'ALTER TABLE products ADD COLUMN updated_at TIMESTAMPTZ',
    `CREATE TABLE product_settings (
      shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      target VARCHAR NOT NULL,
      consumable BOOLEAN,
      reorder_cycle_days INTEGER,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, scope, target)
    )`,
    'ALTER TABLE order_lines ADD COLUMN catalogue_category BOOLEAN',
    { only: 'postgres', sql: 'CREATE INDEX order_lines_by_sku ON order_lines (shop_id, sku)' },
    'ALTER TABLE import_runs ADD COLUMN products INTEGER',
    'ALTER TABLE import_runs ADD COLUMN marketing_costs INTEGER',
  ],
};
