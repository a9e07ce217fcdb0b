/**
 * Feedback answers (NPS, ratings, quick questions; issue 17, item 6) and their summaries: NPS
 * per segment (the lifecycle and value groups are segments too) and ratings per product.
 */
import type { Store } from '../store.js';

export interface AnswerRow {
  feedbackId: string;
  customerId: string;
  kind: string;
  score: number | null;
  answers: Record<string, string>;
  orderId: string | null;
  sku: string | null;
  channel: string | null;
  question: string | null;
  createdAt: Date;
}

/** Stores an answer; false when one with this id exists (a second click on the same link). */
export async function insertAnswer(store: Store, shopId: string, a: AnswerRow): Promise<boolean> {
  const before = await store.engine.all<{ n: number | bigint }>(
    'SELECT COUNT(*) AS n FROM feedback WHERE shop_id = $1 AND feedback_id = $2',
    [shopId, a.feedbackId],
  );
  if (Number(before[0]?.n ?? 0) > 0) return false;
  await store.engine.run(
    `INSERT INTO feedback (shop_id, feedback_id, customer_id, kind, score, answers, created_at, order_id, sku, channel, question)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
    [
      shopId,
      a.feedbackId,
      a.customerId,
      a.kind,
      a.score,
      JSON.stringify(a.answers),
      a.createdAt,
      a.orderId,
      a.sku,
      a.channel,
      a.question,
    ],
  );
  return true;
}

type Raw = {
  feedback_id: string;
  customer_id: string;
  kind: string;
  score: number | null;
  answers: string | null;
  order_id: string | null;
  sku: string | null;
  channel: string | null;
  question: string | null;
  created_at: Date | string;
};

const rowOf = (r: Raw): AnswerRow => {
  let answers: Record<string, string> = {};
  try {
    answers = JSON.parse(r.answers ?? '{}') as Record<string, string>;
  } catch {
    answers = {};
  }
  return {
    feedbackId: r.feedback_id,
    customerId: r.customer_id,
    kind: r.kind,
    score: r.score === null ? null : Number(r.score),
    answers,
    orderId: r.order_id,
    sku: r.sku,
    channel: r.channel,
    question: r.question,
    createdAt: new Date(r.created_at),
  };
};

/** Answers, newest first (of one customer, or the shop's latest). */
export async function listAnswers(
  store: Store,
  shopId: string,
  filter: { customerId?: string | undefined; since?: Date | undefined; limit: number },
): Promise<AnswerRow[]> {
  const params: (string | number | Date)[] = [shopId];
  let where = 'shop_id = $1';
  if (filter.customerId) {
    params.push(filter.customerId);
    where += ` AND customer_id = $${params.length}`;
  }
  if (filter.since) {
    params.push(filter.since);
    where += ` AND created_at >= $${params.length}`;
  }
  params.push(filter.limit);
  const rows = await store.engine.all<Raw>(
    `SELECT feedback_id, customer_id, kind, score, answers, order_id, sku, channel, question, created_at
     FROM feedback WHERE ${where} ORDER BY created_at DESC, feedback_id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(rowOf);
}

/** NPS counts: responses, promoters (9–10), detractors (0–6). */
export interface NpsCounts {
  responses: number;
  promoters: number;
  detractors: number;
}

const NPS_SUMS = `COUNT(*) AS responses,
  SUM(CASE WHEN f.score >= 9 THEN 1 ELSE 0 END) AS promoters,
  SUM(CASE WHEN f.score <= 6 THEN 1 ELSE 0 END) AS detractors`;

const counts = (r: Record<string, unknown>): NpsCounts => ({
  responses: Number(r['responses'] ?? 0),
  promoters: Number(r['promoters'] ?? 0),
  detractors: Number(r['detractors'] ?? 0),
});

/** The shop's NPS counts over answers since a time, all together and per segment of the customer now. */
export async function npsCounts(
  store: Store,
  shopId: string,
  since: Date,
): Promise<{ all: NpsCounts; segments: (NpsCounts & { segment: string })[] }> {
  const all = await store.engine.all<Record<string, unknown>>(
    `SELECT ${NPS_SUMS} FROM feedback f
     WHERE f.shop_id = $1 AND f.kind = 'nps' AND f.score BETWEEN 0 AND 10 AND f.created_at >= $2`,
    [shopId, since],
  );
  const segments = await store.engine.all<Record<string, unknown> & { segment: string }>(
    `SELECT s.name AS segment, ${NPS_SUMS} FROM feedback f
     JOIN segment_members m ON m.shop_id = f.shop_id AND m.customer_id = f.customer_id
     JOIN segments s ON s.shop_id = m.shop_id AND s.segment_id = m.segment_id
     WHERE f.shop_id = $1 AND f.kind = 'nps' AND f.score BETWEEN 0 AND 10 AND f.created_at >= $2
     GROUP BY s.name ORDER BY s.name`,
    [shopId, since],
  );
  return {
    all: counts(all[0] ?? {}),
    segments: segments.map((r) => ({ segment: r.segment, ...counts(r) })),
  };
}

/** NPS answers per day (for the chart), oldest first. */
export async function npsByDay(
  store: Store,
  shopId: string,
  since: Date,
): Promise<{ day: string; responses: number; promoters: number; detractors: number }[]> {
  const rows = await store.engine.all<Record<string, unknown> & { day: string }>(
    `SELECT CAST(CAST(f.created_at AS DATE) AS VARCHAR) AS day, ${NPS_SUMS} FROM feedback f
     WHERE f.shop_id = $1 AND f.kind = 'nps' AND f.score BETWEEN 0 AND 10 AND f.created_at >= $2
     GROUP BY CAST(CAST(f.created_at AS DATE) AS VARCHAR) ORDER BY day`,
    [shopId, since],
  );
  return rows.map((r) => ({ day: String(r.day), ...counts(r) }));
}

/** Ratings (1–5) per product: the count and average, most rated first. */
export async function ratingsByProduct(
  store: Store,
  shopId: string,
  since: Date,
): Promise<{ sku: string | null; title: string | null; ratings: number; average: number }[]> {
  const rows = await store.engine.all<{
    sku: string | null;
    title: string | null;
    ratings: number | bigint;
    average: number;
  }>(
    `SELECT f.sku, MIN(p.title) AS title, COUNT(*) AS ratings, AVG(f.score) AS average FROM feedback f
     LEFT JOIN products p ON p.shop_id = f.shop_id AND p.sku = f.sku
     WHERE f.shop_id = $1 AND f.kind = 'rating' AND f.score BETWEEN 1 AND 5 AND f.created_at >= $2
     GROUP BY f.sku ORDER BY COUNT(*) DESC, f.sku`,
    [shopId, since],
  );
  return rows.map((r) => ({
    sku: r.sku,
    title: r.title,
    ratings: Number(r.ratings),
    average: Number(r.average),
  }));
}
