import type { Channel } from '../model/enums.js';

/**
 * One customer as the in-memory evaluator sees it: the stored per-customer stats (the definition
 * of the order fields, as `refreshCustomerStats` and `recomputeScores` wrote them) plus the raw
 * data the functions and a few fields look at: tags, consent, orders with their lines, events and
 * feedback. The store's loader (store/segments/records.ts) reads it from either engine.
 */
export interface SegmentStats {
  orders: number;
  revenue: number;
  aov: number | null;
  firstOrderDate: string | null;
  lastOrderDate: string | null;
  avgGapDays: number | null;
  r: number | null;
  f: number | null;
  m: number | null;
  rfmGroup: string | null;
  lifecycle: string | null;
  valueGroup: string | null;
  referrals: number | null;
}

/** The customer's row of customer_predictions (`nurture predict`). */
export interface SegmentPredictions {
  pAlive: number | null;
  predictedClv: number | null;
  churnProbability: number | null;
  expectedNextOrderDate: string | null;
}

export interface SegmentOrderLine {
  sku: string | null;
  category: string | null;
}

export interface SegmentOrder {
  orderId: string;
  status: string;
  total: number;
  refunded: number;
  createdAt: Date;
  lines: readonly SegmentOrderLine[];
}

export interface SegmentEvent {
  name: string;
  occurredAt: Date;
  /** The event's properties as stored (parsed JSON); null when there were none. */
  properties: Readonly<Record<string, unknown>> | null;
}

export interface SegmentFeedback {
  feedbackId: string;
  kind: string;
  score: number | null;
  createdAt: Date;
}

/** A stored replenishment prediction (customer_replenishment). */
export interface SegmentDue {
  sku: string;
  /** The due day, 'YYYY-MM-DD' in the shop's calendar. */
  dueDay: string;
  lastPurchaseAt: Date;
}

export interface SegmentCustomer {
  customerId: string;
  createdAt: Date;
  city: string | null;
  source: string;
  phone: string | null;
  email: string | null;
  consent: Readonly<Record<Channel, boolean | null>>;
  referred: boolean;
  tags: readonly string[];
  /** null: no customer_stats row yet (the order fields read as a customer without orders). */
  stats: SegmentStats | null;
  /** null: no prediction yet. */
  predictions: SegmentPredictions | null;
  orders: readonly SegmentOrder[];
  events: readonly SegmentEvent[];
  feedback: readonly SegmentFeedback[];
  replenishment: readonly SegmentDue[];
}

/** Which parts of a record a set of queries reads (the loader skips the rest). */
export interface RecordNeeds {
  stats: boolean;
  predictions: boolean;
  tags: boolean;
  orders: boolean;
  lines: boolean;
  events: boolean;
  feedback: boolean;
  replenishment: boolean;
}

export const NO_NEEDS: RecordNeeds = {
  stats: false,
  predictions: false,
  tags: false,
  orders: false,
  lines: false,
  events: false,
  feedback: false,
  replenishment: false,
};
export const ALL_NEEDS: RecordNeeds = {
  stats: true,
  predictions: true,
  tags: true,
  orders: true,
  lines: true,
  events: true,
  feedback: true,
  replenishment: true,
};
