/**
 * The demo shop: a deterministic, believable Vietnamese online shop (see docs/demo.md), and the
 * writers that turn it into the files the importers read.
 */
export {
  DEMO_CATALOG,
  DEMO_CATEGORIES,
  type DemoCategory,
  type DemoProduct,
  demoCatalogEntries,
} from './catalog.js';
export { type GenerateShopOptions, generateOrdersForRows, generateShop } from './generate.js';
export {
  DEMO_BGNBD_PARAMS,
  DEMO_CHANNEL_CAC,
  DEMO_DEFAULT_CUSTOMERS,
  DEMO_DEFAULT_PARAMS,
  DEMO_DEFAULT_SEED,
  DEMO_GG_PARAMS,
  DEMO_HISTORY_DAYS,
  DEMO_UNTIL,
  type DemoParams,
} from './params.js';
export type * from './types.js';
export * from './write.js';
