/** The once-only rewards customers hold (see `onceToken`), whatever customer id their keys carry. */
import { type EntryReason, onceToken, type SourceType } from '../../domain/loyalty/ledger.js';
import type { SqlValue } from '../engine.js';
import { type IdScope, shopRowsSql } from '../segments/scope.js';
import type { Store } from '../store.js';

/**
 * Each customer in scope's once-only rewards as `onceToken`s (once-only event rules, tier entry
 * points, birthdays) that customers merged into them earned: only moved entries (`merged_from`),
 * since a customer's own entries carry its own id in their keys, which the append skips already.
 */
export async function heldOnceRewards(
  store: Store,
  shopId: string,
  scope: IdScope,
): Promise<Map<string, Set<string>>> {
  const params: SqlValue[] = [shopId];
  const from = shopRowsSql(store.dialect, 'loyalty_ledger', '*', 'customer_id', scope, params);
  const rows = await store.engine.all<{
    customer_id: string;
    reason: string;
    rule_id: string | null;
    source_type: string;
    source_id: string | null;
    source_key: string;
  }>(
    `SELECT customer_id, reason, rule_id, source_type, source_id, source_key FROM ${from} l
     WHERE l.merged_from IS NOT NULL AND l.kind = 'earn' AND (l.source_type = 'tier' OR l.reason = 'birthday'
       OR (l.source_type = 'event' AND l.source_key LIKE 'rule:%'))`,
    params,
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const token = onceToken({
      kind: 'earn',
      reason: r.reason as EntryReason,
      ruleId: r.rule_id,
      sourceType: r.source_type as SourceType,
      sourceId: r.source_id,
      sourceKey: r.source_key,
    });
    if (token === undefined) continue;
    const held = out.get(r.customer_id) ?? new Set<string>();
    out.set(r.customer_id, held.add(token));
  }
  return out;
}
