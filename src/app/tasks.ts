/**
 * Staff tasks (issue 17, item 7; docs/loyalty.md, Staff tasks): the calls, gifts and handwritten
 * notes flows ask staff for (the detractor call, seed 002's thank-you gift), or made by hand. The
 * queue lists open tasks by due date with overdue ones marked; a task is closed as done or
 * skipped with a note; the customer's context (orders, groups, answers, last messages) comes
 * with a task when one is opened.
 */
import { z } from 'zod';
import { shopSchema } from '../domain/model/shop.js';
import { NurtureError } from '../errors.js';
import { type AnswerRow, listAnswers } from '../store/feedback/index.js';
import { listMessages } from '../store/flows/messages.js';
import type { OrderListItem } from '../store/orders/list.js';
import { type MembershipStay, membershipHistory } from '../store/segments/index.js';
import {
  assignTask,
  closeTask,
  getTaskRow,
  insertManualTask,
  listTaskRows,
  TASK_STATES,
  type TaskRow,
} from '../store/tasks/index.js';
import type { AppContext } from './context.js';
import { parseInput } from './input.js';

/** A task as shown: its row, and whether it is open past its due time. */
export type TaskView = TaskRow & { overdue: boolean };

const view = (t: TaskRow, now: Date): TaskView => ({
  ...t,
  overdue: t.state === 'open' && t.dueAt !== null && t.dueAt.getTime() < now.getTime(),
});

export const listTasksInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  state: z.enum(TASK_STATES).optional(),
  customerId: z.string().min(1).max(100).optional(),
  assignee: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The queue: open tasks first by due date (overdue marked), then closed ones. */
export async function listStaffTasks(
  ctx: AppContext,
  input: z.input<typeof listTasksInputSchema>,
): Promise<{ tasks: TaskView[]; open: number; overdue: number; timezone: string }> {
  const q = parseInput(listTasksInputSchema, input);
  const shop = await ctx.store.requireShop(q.shopId);
  const now = ctx.clock.now();
  const tasks = (await listTaskRows(ctx.store, q.shopId, q)).map((t) => view(t, now));
  return {
    timezone: shop.timezone,
    tasks,
    open: tasks.filter((t) => t.state === 'open').length,
    overdue: tasks.filter((t) => t.overdue).length,
  };
}

export const createTaskInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  customerId: z.string().min(1).max(100),
  title: z.string().trim().min(1).max(300),
  note: z.string().trim().max(4000).optional(),
  assignee: z.string().trim().min(1).max(100).optional(),
  /** When it is due: an ISO time, or hours from now. */
  dueAt: z.coerce.date().optional(),
  dueInHours: z.coerce
    .number()
    .min(0)
    .max(24 * 365)
    .optional(),
});

/** A task made by hand for a customer. */
export async function createStaffTask(
  ctx: AppContext,
  input: z.input<typeof createTaskInputSchema>,
): Promise<TaskView> {
  const q = parseInput(createTaskInputSchema, input);
  const customer = await ctx.store.getCustomer(q.shopId, q.customerId);
  if (!customer)
    throw new NurtureError('not_found', `no customer ${q.customerId}`, [
      { path: 'customerId', reason: 'unknown' },
    ]);
  const now = ctx.clock.now();
  const taskId = ctx.newId('task');
  await insertManualTask(ctx.store, q.shopId, {
    taskId,
    customerId: customer.mergedInto ?? customer.customerId,
    title: q.title,
    note: q.note ?? null,
    assignee: q.assignee ?? null,
    dueAt:
      q.dueAt ?? (q.dueInHours === undefined ? null : new Date(now.getTime() + q.dueInHours * 3_600_000)),
    createdAt: now,
  });
  return view((await getTaskRow(ctx.store, q.shopId, taskId))!, now);
}

export const closeTaskInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  taskId: z.string().min(1).max(100),
  state: z.enum(['done', 'skipped']),
  note: z.string().trim().max(4000).optional(),
});

/** Closes a task as done or skipped, with a note. Closing a closed task is a conflict. */
export async function closeStaffTask(
  ctx: AppContext,
  input: z.input<typeof closeTaskInputSchema>,
): Promise<TaskView> {
  const q = parseInput(closeTaskInputSchema, input);
  const task = await getTaskRow(ctx.store, q.shopId, q.taskId);
  if (!task)
    throw new NurtureError('not_found', `no task ${q.taskId}`, [{ path: 'taskId', reason: 'unknown' }]);
  const now = ctx.clock.now();
  if (!(await closeTask(ctx.store, q.shopId, q.taskId, { state: q.state, note: q.note ?? null, at: now })))
    throw new NurtureError('conflict', `task ${q.taskId} is ${task.state} already`, [
      { path: 'taskId', reason: `already ${task.state}` },
    ]);
  ctx.log.info({ shopId: q.shopId, taskId: q.taskId, state: q.state }, 'staff task closed');
  return view((await getTaskRow(ctx.store, q.shopId, q.taskId))!, now);
}

/** Assigns a task to a staff member (their login name), or to nobody. */
export async function assignStaffTask(
  ctx: AppContext,
  input: { shopId: string; taskId: string; assignee: string | null },
): Promise<TaskView> {
  const task = await getTaskRow(ctx.store, input.shopId, input.taskId);
  if (!task)
    throw new NurtureError('not_found', `no task ${input.taskId}`, [{ path: 'taskId', reason: 'unknown' }]);
  await assignTask(ctx.store, input.shopId, input.taskId, input.assignee);
  return view((await getTaskRow(ctx.store, input.shopId, input.taskId))!, ctx.clock.now());
}

/** What staff see beside a task: the customer's orders, current groups, answers and last messages. */
export interface TaskContext {
  task: TaskView;
  orders: OrderListItem[];
  groups: MembershipStay[];
  answers: AnswerRow[];
  messages: { channel: string; state: string; createdAt: Date; text: string | null }[];
}

/** One task with its customer's context. */
export async function staffTaskContext(
  ctx: AppContext,
  input: { shopId: string; taskId: string },
): Promise<TaskContext> {
  const task = await getTaskRow(ctx.store, input.shopId, input.taskId);
  if (!task)
    throw new NurtureError('not_found', `no task ${input.taskId}`, [{ path: 'taskId', reason: 'unknown' }]);
  const orders = await ctx.store.listOrders(input.shopId, { customerId: task.customerId });
  const stays = await membershipHistory(ctx.store.engine, input.shopId, {
    customerId: task.customerId,
    limit: 200,
  });
  const answers = await listAnswers(ctx.store, input.shopId, { customerId: task.customerId, limit: 10 });
  const messages = await listMessages(ctx.store, input.shopId, { customerId: task.customerId, limit: 5 });
  return {
    task: view(task, ctx.clock.now()),
    orders: orders.slice(-10).reverse(),
    groups: stays.filter((s) => s.exitedAt === null),
    answers,
    messages: messages.map((m) => ({
      channel: m.channel,
      state: m.state,
      createdAt: m.createdAt,
      text: textOf(m.rendered),
    })),
  };
}

function textOf(rendered: string | null): string | null {
  if (!rendered) return null;
  try {
    const r = JSON.parse(rendered) as { text?: unknown; subject?: unknown };
    return typeof r.text === 'string' ? r.text : typeof r.subject === 'string' ? r.subject : null;
  } catch {
    return null;
  }
}
