/**
 * Live visitors: who is on the storefront now, by the shop's clock. Known customers come with
 * their name and groups, anonymous visitors with their (shortened) anonymous id; each with the
 * latest things they looked at.
 */
import { z } from 'zod';
import { summarizeView, type ViewSummary } from '../domain/tracking/views.js';
import { liveCustomers, liveVisitors } from '../store/live/visitors.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

/** Storefront clocks may run a little ahead of the server's: their events count this much early. */
const CLOCK_AHEAD_MS = 60_000;

export const liveVisitorsInputSchema = z.object({
  shopId: z.string().min(1),
  /** The window, in minutes back from now. */
  minutes: z.number().int().min(1).max(60).default(5),
  /** Visitors shown at most, the latest seen first. */
  limit: z.number().int().min(1).max(500).default(200),
  viewsPerVisitor: z.number().int().min(1).max(20).default(5),
});

export interface LiveView extends ViewSummary {
  at: Date;
}

export interface LiveVisitor {
  /** A known customer: their id, name (possibly empty) and groups (null before any analysis). */
  customer:
    | {
        customerId: string;
        name: string;
        rfmGroup: string | null;
        lifecycle: string | null;
        valueGroup: string | null;
      }
    | undefined;
  anonymousId: string | undefined;
  lastSeen: Date;
  events: number;
  views: LiveView[];
}

export interface LiveVisitors {
  /** The shop's now, when the window ends. */
  asOf: Date;
  minutes: number;
  /** Visitors in the window in all; `visitors` holds at most `limit` of them. */
  total: number;
  /** Of `total`, the known customers (the rest are anonymous). */
  known: number;
  visitors: LiveVisitor[];
}

/** The visitors active in the last `minutes` of the shop's clock. */
export async function listLiveVisitors(
  ctx: AppContext,
  input: z.input<typeof liveVisitorsInputSchema>,
): Promise<LiveVisitors> {
  const valid = parseInput(liveVisitorsInputSchema, input);
  const asOf = ctx.clock.now();
  const { visitors, total, known } = await liveVisitors(ctx.store, valid.shopId, {
    since: new Date(asOf.getTime() - valid.minutes * 60_000),
    until: new Date(asOf.getTime() + CLOCK_AHEAD_MS),
    limit: valid.limit,
    viewsPerVisitor: valid.viewsPerVisitor,
  });
  const customers = await liveCustomers(
    ctx.store,
    valid.shopId,
    visitors.flatMap((v) => (v.customerId ? [v.customerId] : [])),
  );
  return {
    asOf,
    minutes: valid.minutes,
    total,
    known,
    visitors: visitors.map((v) => {
      const c = v.customerId ? customers.get(v.customerId) : undefined;
      return {
        customer: v.customerId
          ? {
              customerId: v.customerId,
              name: [c?.lastName, c?.firstName].filter(Boolean).join(' '),
              rfmGroup: c?.rfmGroup ?? null,
              lifecycle: c?.lifecycle ?? null,
              valueGroup: c?.valueGroup ?? null,
            }
          : undefined,
        anonymousId: v.anonymousId ?? undefined,
        lastSeen: v.lastSeen,
        events: v.events,
        views: v.views.map((view) => ({ ...summarizeView(view.name, view.properties), at: view.at })),
      };
    }),
  };
}
