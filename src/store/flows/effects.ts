import type { Store } from '../store.js';

/**
 * The writes of a flow's non-message steps: tags, attributes, staff tasks. Each is idempotent,
 * so that a step re-run after a crash (its transaction rolled back) changes nothing twice.
 */

/** Adds and removes a customer's tags. */
export async function changeTags(
  store: Store,
  shopId: string,
  customerId: string,
  add: readonly string[],
  remove: readonly string[],
): Promise<void> {
  for (const tag of add)
    await store.engine.run(
      'INSERT INTO customer_tags (shop_id, customer_id, tag) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [shopId, customerId, tag],
    );
  for (const tag of remove)
    await store.engine.run('DELETE FROM customer_tags WHERE shop_id = $1 AND customer_id = $2 AND tag = $3', [
      shopId,
      customerId,
      tag,
    ]);
}

/** Sets one attribute of a customer (null removes it). */
export async function setAttribute(
  store: Store,
  shopId: string,
  customerId: string,
  name: string,
  value: string | number | boolean | null,
  now: Date,
): Promise<void> {
  const rows = await store.engine.all<{ attributes: string | null }>(
    'SELECT attributes FROM customers WHERE shop_id = $1 AND customer_id = $2',
    [shopId, customerId],
  );
  if (rows.length === 0) return;
  let attributes: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(rows[0]!.attributes ?? '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      attributes = parsed as Record<string, unknown>;
  } catch {
    attributes = {};
  }
  if (value === null) delete attributes[name];
  else attributes[name] = value;
  await store.engine.run(
    'UPDATE customers SET attributes = $3, updated_at = $4 WHERE shop_id = $1 AND customer_id = $2',
    [shopId, customerId, JSON.stringify(attributes), now],
  );
}

export interface StaffTask {
  taskId: string;
  sourceKey: string;
  customerId: string;
  flowId: string | null;
  runId: string | null;
  title: string;
  note: string | null;
  dueAt: Date | null;
  state: 'open' | 'done';
  createdAt: Date;
  doneAt: Date | null;
}

/** Creates a staff task unless one with its source key exists. */
export async function insertTask(store: Store, shopId: string, task: StaffTask): Promise<void> {
  await store.engine.run(
    `INSERT INTO staff_tasks (shop_id, task_id, source_key, customer_id, flow_id, run_id, title, note, due_at, state,
       created_at, done_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
    [
      shopId,
      task.taskId,
      task.sourceKey,
      task.customerId,
      task.flowId,
      task.runId,
      task.title,
      task.note,
      task.dueAt,
      task.state,
      task.createdAt,
      task.doneAt,
    ],
  );
}

/** Open tasks first, then done ones; newest first. */
export async function listTasks(store: Store, shopId: string, limit = 100): Promise<StaffTask[]> {
  const rows = await store.engine.all<{
    task_id: string;
    source_key: string;
    customer_id: string;
    flow_id: string | null;
    run_id: string | null;
    title: string;
    note: string | null;
    due_at: Date | null;
    state: string;
    created_at: Date;
    done_at: Date | null;
  }>(
    `SELECT task_id, source_key, customer_id, flow_id, run_id, title, note, due_at, state, created_at, done_at
     FROM staff_tasks WHERE shop_id = $1 ORDER BY state DESC, created_at DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    [shopId],
  );
  return rows.map((r) => ({
    taskId: r.task_id,
    sourceKey: r.source_key,
    customerId: r.customer_id,
    flowId: r.flow_id,
    runId: r.run_id,
    title: r.title,
    note: r.note,
    dueAt: r.due_at,
    state: r.state === 'done' ? 'done' : 'open',
    createdAt: r.created_at,
    doneAt: r.done_at,
  }));
}
