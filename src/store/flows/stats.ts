import { DEFAULT_VALID_ORDER_RULE } from '../../domain/analytics/valid-orders.js';
import type { GroupOutcome } from '../../domain/flows/lift.js';
import { validOrderSql } from '../analytics/model-sql.js';
import type { Store } from '../store.js';

/** A flow's runs by state. */
export interface RunCounts {
  entered: number;
  active: number;
  done: number;
  exited: number;
  control: number;
}

/** Per step: how many runs passed it, by outcome; and its messages by state. */
export interface StepCounts {
  stepId: string;
  outcomes: Record<string, number>;
  messages: Record<string, number>;
}

export async function runCounts(store: Store, shopId: string, flowId: string): Promise<RunCounts> {
  const rows = await store.engine.all<{ state: string; n: number | bigint }>(
    'SELECT state, COUNT(*) AS n FROM flow_runs WHERE shop_id = $1 AND flow_id = $2 GROUP BY state',
    [shopId, flowId],
  );
  const counts: RunCounts = { entered: 0, active: 0, done: 0, exited: 0, control: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    counts.entered += n;
    if (r.state in counts) counts[r.state as keyof RunCounts] += n;
  }
  return counts;
}

export async function stepCounts(store: Store, shopId: string, flowId: string): Promise<StepCounts[]> {
  const outcomes = await store.engine.all<{ step_id: string; outcome: string; n: number | bigint }>(
    `SELECT step_id, outcome, COUNT(*) AS n FROM flow_journal WHERE shop_id = $1 AND flow_id = $2
     GROUP BY step_id, outcome`,
    [shopId, flowId],
  );
  const messages = await store.engine.all<{ step_id: string; state: string; n: number | bigint }>(
    `SELECT step_id, state, COUNT(*) AS n FROM messages WHERE shop_id = $1 AND flow_id = $2 GROUP BY step_id, state`,
    [shopId, flowId],
  );
  const byStep = new Map<string, StepCounts>();
  const of = (id: string) => {
    let s = byStep.get(id);
    if (!s) {
      s = { stepId: id, outcomes: {}, messages: {} };
      byStep.set(id, s);
    }
    return s;
  };
  for (const o of outcomes) of(o.step_id).outcomes[o.outcome] = Number(o.n);
  for (const m of messages) of(m.step_id).messages[m.state] = Number(m.n);
  return [...byStep.values()];
}

/** Per step: messages delivered, opened, clicked, and conversions credited to a click. */
export interface StepEngagement {
  stepId: string;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  /** Messages whose click was followed by a valid order within the window (the first such order). */
  converted: number;
  revenue: number;
}

/**
 * A flow's messages per step with their engagement and click-credited conversions: a valid order
 * (delivered or paid, never cancelled, failed or returned: `validOrderSql`) placed within
 * `windowSeconds` after the click. Opens are counted, never credited.
 */
export async function stepEngagement(
  store: Store,
  shopId: string,
  flowId: string,
  windowSeconds: number,
): Promise<StepEngagement[]> {
  const window = `INTERVAL '${Math.max(1, Math.floor(windowSeconds))} seconds'`;
  const rows = await store.engine.all<{
    step_id: string;
    sent: number | bigint;
    delivered: number | bigint;
    opened: number | bigint;
    clicked: number | bigint;
    converted: number | bigint | null;
    revenue: string | null;
  }>(
    `WITH clicked AS (
       SELECT message_id, step_id, customer_id, clicked_at FROM messages
       WHERE shop_id = $1 AND flow_id = $2 AND clicked_at IS NOT NULL
     ), credited AS (
       SELECT c.message_id, c.step_id, o.total,
         ROW_NUMBER() OVER (PARTITION BY c.message_id ORDER BY o.created_at, o.order_id) AS nth
       FROM clicked c JOIN orders o ON o.shop_id = $1 AND o.customer_id = c.customer_id
         AND o.created_at > c.clicked_at AND o.created_at <= c.clicked_at + ${window}
         AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')}
     ), conversions AS (
       SELECT step_id, COUNT(*) AS converted, CAST(SUM(total) AS VARCHAR) AS revenue FROM credited
       WHERE nth = 1 GROUP BY step_id
     )
     SELECT m.step_id,
       SUM(CASE WHEN m.state IN ('sent', 'delivered') THEN 1 ELSE 0 END) AS sent,
       SUM(CASE WHEN m.delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
       SUM(CASE WHEN m.opened_at IS NOT NULL THEN 1 ELSE 0 END) AS opened,
       SUM(CASE WHEN m.clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked,
       MAX(v.converted) AS converted, MAX(v.revenue) AS revenue
     FROM messages m LEFT JOIN conversions v ON v.step_id = m.step_id
     WHERE m.shop_id = $1 AND m.flow_id = $2
     GROUP BY m.step_id`,
    [shopId, flowId],
  );
  return rows.map((r) => ({
    stepId: r.step_id,
    sent: Number(r.sent),
    delivered: Number(r.delivered),
    opened: Number(r.opened),
    clicked: Number(r.clicked),
    converted: Number(r.converted ?? 0),
    revenue: Number(r.revenue ?? 0),
  }));
}

/**
 * Runs of a flow in its treated and control groups, and how many placed a valid order within
 * `windowSeconds` after entering (with the revenue of those orders): the input of the lift.
 */
export async function runOutcomes(
  store: Store,
  shopId: string,
  flowId: string,
  windowSeconds: number,
): Promise<{ treated: GroupOutcome; control: GroupOutcome }> {
  const window = `INTERVAL '${Math.max(1, Math.floor(windowSeconds))} seconds'`;
  const rows = await store.engine.all<{
    control: boolean;
    runs: number | bigint;
    converted: number | bigint;
    revenue: string | null;
  }>(
    `WITH runs AS (
       SELECT run_id, customer_id, entered_at, control FROM flow_runs WHERE shop_id = $1 AND flow_id = $2
     ), bought AS (
       SELECT r.run_id, SUM(o.total) AS revenue FROM runs r
       JOIN orders o ON o.shop_id = $1 AND o.customer_id = r.customer_id
         AND o.created_at > r.entered_at AND o.created_at <= r.entered_at + ${window}
         AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')}
       GROUP BY r.run_id
     )
     SELECT r.control, COUNT(*) AS runs, COUNT(b.run_id) AS converted, CAST(SUM(b.revenue) AS VARCHAR) AS revenue
     FROM runs r LEFT JOIN bought b ON b.run_id = r.run_id
     GROUP BY r.control`,
    [shopId, flowId],
  );
  const empty = (): GroupOutcome => ({ runs: 0, converted: 0, revenue: 0 });
  const out = { treated: empty(), control: empty() };
  for (const r of rows)
    out[r.control ? 'control' : 'treated'] = {
      runs: Number(r.runs),
      converted: Number(r.converted),
      revenue: Number(r.revenue ?? 0),
    };
  return out;
}
