/**
 * Property tests of the pure order ledger (fast-check): whatever statuses and refunds an order
 * goes through, planning again changes nothing, pending and spendable points never go negative,
 * approved points are never pending, a void order holds nothing, and what an order holds is never
 * more than its remaining value at the rate it was earned at.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NO_ORDER_ENTRIES,
  type OrderFacts,
  type OrderLedgerState,
  orderPhase,
  type PlannedEntry,
  planOrderEntries,
  pointsAt,
} from '../../src/domain/loyalty/ledger.js';
import type { Rule } from '../../src/domain/loyalty/program.js';
import { ORDER_STATUSES } from '../../src/domain/model/index.js';

const rule: Extract<Rule, { kind: 'per_amount' }> = {
  kind: 'per_amount',
  id: 'spend',
  name: { vi: 'a', en: 'a' },
  per: 10_000,
  points: 1,
  includeShipping: false,
};

function fold(state: OrderLedgerState, entries: readonly PlannedEntry[]): OrderLedgerState {
  const s = { ...state };
  for (const e of entries) {
    s.points += e.points;
    s.pending += e.pending;
    // The store keeps the first earn's rate and base (a restoration carries the same rate, no base).
    if (e.kind === 'earn' && !s.earned)
      Object.assign(s, { earned: true, rate: e.rate ?? 0, base: e.base ?? 0 });
    if (e.kind === 'approve') s.approved = true;
    if (e.kind === 'reverse') s.reversals += 1;
  }
  return s;
}

describe('planOrderEntries', () => {
  it('property: idempotent, never negative, void holds nothing, at most the earned rate on what is left', () => {
    const step = fc.record({
      status: fc.constantFrom(...ORDER_STATUSES),
      refundShare: fc.constantFrom(0, 0, 0, 0.1, 0.25, 0.5, 1),
      factor: fc.constantFrom(1, 2, 0.5),
      approveOn: fc.constantFrom('delivered' as const, 'paid' as const),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.array(step, { minLength: 1, maxLength: 8 }),
        (total, shipping, steps) => {
          let state = NO_ORDER_ENTRIES;
          const keys = new Set<string>();
          for (const st of steps) {
            const o: OrderFacts = {
              orderId: 'o1',
              customerId: 'c1',
              status: st.status,
              total,
              shipping: Math.min(shipping, total),
              refunded: Math.floor(total * st.refundShare),
              cancelled: false,
              createdAt: new Date(0),
            };
            const phase = orderPhase(o, { approveOn: st.approveOn });
            const entries = planOrderEntries(o, state, phase, { rule, programVersion: 1, factor: st.factor });
            for (const e of entries) {
              expect(keys.has(e.sourceKey)).toBe(false);
              keys.add(e.sourceKey);
            }
            state = fold(state, entries);
            expect(planOrderEntries(o, state, phase, { rule, programVersion: 1, factor: st.factor })).toEqual(
              [],
            );
            expect(state.points).toBeGreaterThanOrEqual(0);
            expect(state.pending).toBeGreaterThanOrEqual(0);
            if (state.approved) expect(state.pending).toBe(0);
            else expect(state.points).toBe(0);
            if (phase.kind === 'void') expect(state.points + state.pending).toBe(0);
            if (state.earned)
              expect(state.points + state.pending).toBeLessThanOrEqual(
                pointsAt(Math.max(0, state.base - o.refunded), state.rate),
              );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
