/**
 * The staff task queue (issue 17, item 7) over `staff_tasks` (migration 024; flows' `task` step
 * writes it, see store/flows/effects.ts): tasks made by hand, the queue with the customer's name
 * and phone, and closing a task as done or skipped with a note.
 */
import type { Store } from '../store.js';

export const TASK_STATES = ['open', 'done', 'skipped'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface TaskRow {
  taskId: string;
  customerId: string;
  customerName: string | null;
  customerPhone: string | null;
  flowId: string | null;
  runId: string | null;
  title: string;
  note: string | null;
  assignee: string | null;
  dueAt: Date | null;
  state: TaskState;
  createdAt: Date;
  doneAt: Date | null;
  doneNote: string | null;
}

type Raw = {
  task_id: string;
  customer_id: string;
  customer_name: string | null;
  customer_phone: string | null;
  flow_id: string | null;
  run_id: string | null;
  title: string;
  note: string | null;
  assignee: string | null;
  due_at: Date | string | null;
  state: string;
  created_at: Date | string;
  done_at: Date | string | null;
  done_note: string | null;
};

const SELECT = `SELECT t.task_id, t.customer_id,
    NULLIF(TRIM(COALESCE(c.last_name, '') || ' ' || COALESCE(c.first_name, '')), '') AS customer_name,
    c.phone AS customer_phone, t.flow_id, t.run_id, t.title, t.note, t.assignee, t.due_at, t.state,
    t.created_at, t.done_at, t.done_note
  FROM staff_tasks t LEFT JOIN customers c ON c.shop_id = t.shop_id AND c.customer_id = t.customer_id`;

const stateOf = (s: string): TaskState => (s === 'done' || s === 'skipped' ? s : 'open');
const dateOf = (v: Date | string | null) => (v === null ? null : new Date(v));

function rowOf(r: Raw): TaskRow {
  return {
    taskId: r.task_id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    customerPhone: r.customer_phone,
    flowId: r.flow_id,
    runId: r.run_id,
    title: r.title,
    note: r.note,
    assignee: r.assignee,
    dueAt: dateOf(r.due_at),
    state: stateOf(r.state),
    createdAt: new Date(r.created_at),
    doneAt: dateOf(r.done_at),
    doneNote: r.done_note,
  };
}

/** Tasks: open ones first by due date (none last), then closed ones, newest first. */
export async function listTaskRows(
  store: Store,
  shopId: string,
  filter: {
    state?: TaskState | undefined;
    customerId?: string | undefined;
    assignee?: string | undefined;
    limit: number;
  },
): Promise<TaskRow[]> {
  const params: (string | number)[] = [shopId];
  const where = ['t.shop_id = $1'];
  for (const [column, value] of [
    ['t.state', filter.state],
    ['t.customer_id', filter.customerId],
    ['t.assignee', filter.assignee],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  params.push(filter.limit);
  const rows = await store.engine.all<Raw>(
    `${SELECT} WHERE ${where.join(' AND ')}
     ORDER BY CASE WHEN t.state = 'open' THEN 0 ELSE 1 END,
       CASE WHEN t.state = 'open' THEN t.due_at END NULLS LAST,
       t.created_at DESC, t.task_id
     LIMIT $${params.length}`,
    params,
  );
  return rows.map(rowOf);
}

export async function getTaskRow(store: Store, shopId: string, taskId: string): Promise<TaskRow | undefined> {
  const rows = await store.engine.all<Raw>(`${SELECT} WHERE t.shop_id = $1 AND t.task_id = $2`, [
    shopId,
    taskId,
  ]);
  return rows[0] ? rowOf(rows[0]) : undefined;
}

/** A task made by hand (source key `manual:<task id>`). */
export async function insertManualTask(
  store: Store,
  shopId: string,
  t: {
    taskId: string;
    customerId: string;
    title: string;
    note: string | null;
    assignee: string | null;
    dueAt: Date | null;
    createdAt: Date;
  },
): Promise<void> {
  await store.engine.run(
    `INSERT INTO staff_tasks (shop_id, task_id, source_key, customer_id, flow_id, run_id, title, note, due_at, state,
       created_at, done_at, assignee, done_note)
     VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6, $7, 'open', $8, NULL, $9, NULL)`,
    [shopId, t.taskId, `manual:${t.taskId}`, t.customerId, t.title, t.note, t.dueAt, t.createdAt, t.assignee],
  );
}

/** Closes an open task; false when it is not open (closed already, or unknown). */
export async function closeTask(
  store: Store,
  shopId: string,
  taskId: string,
  close: { state: 'done' | 'skipped'; note: string | null; at: Date },
): Promise<boolean> {
  const open = await store.engine.all<{ n: number | bigint }>(
    `SELECT COUNT(*) AS n FROM staff_tasks WHERE shop_id = $1 AND task_id = $2 AND state = 'open'`,
    [shopId, taskId],
  );
  if (Number(open[0]?.n ?? 0) === 0) return false;
  await store.engine.run(
    `UPDATE staff_tasks SET state = $3, done_note = $4, done_at = $5
     WHERE shop_id = $1 AND task_id = $2 AND state = 'open'`,
    [shopId, taskId, close.state, close.note, close.at],
  );
  return true;
}

/** Reassigns a task. */
export async function assignTask(
  store: Store,
  shopId: string,
  taskId: string,
  assignee: string | null,
): Promise<void> {
  await store.engine.run('UPDATE staff_tasks SET assignee = $3 WHERE shop_id = $1 AND task_id = $2', [
    shopId,
    taskId,
    assignee,
  ]);
}
