import type { Migration } from './index.js';

/**
 * Merged customers' points (docs/loyalty.md, "Merged customers"): when identity resolution merges
 * two customers, the absorbed customer's ledger entries move to the survivor (the one change the
 * append-only ledger allows: whose entry it is, never what it says). `merged_from` keeps the
 * customer id the entry was written for, so the survivor's ledger still shows which record earned
 * what (NULL: written for the customer who holds it).
 */
export const loyaltyMergedFromSchema: Migration = {
  version: 35,
  name: 'loyalty-merged-from',
  statements: ['ALTER TABLE loyalty_ledger ADD COLUMN merged_from VARCHAR'],
};
