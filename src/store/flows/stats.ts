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
