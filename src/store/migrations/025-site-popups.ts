import type { Migration } from './index.js';

/**
 * Site popups (issue 16, item 3): a shop's popups for every storefront visitor, identified or
 * not (seed 000's welcome popup for new visitors), outside any flow. One row per popup name:
 * `content` is the popup's content document (JSON, validated like a flow's popup step),
 * `audience` `new` (visitors not known to have ordered) or `all`, `state` `live` or `paused`.
 * Editing a popup keeps its name, so a visitor who saw it is not shown it again as new.
 */
export const sitePopupsSchema: Migration = {
  version: 25,
  name: 'site-popups',
  statements: [
    `CREATE TABLE site_popups (
      shop_id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      content VARCHAR NOT NULL,
      audience VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, name)
    )`,
  ],
};
