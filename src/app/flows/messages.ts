import { z } from 'zod';
import { durationMs } from '../../domain/flows/duration.js';
import { type Lift, liftOf } from '../../domain/flows/lift.js';
import { shopSchema } from '../../domain/model/shop.js';
import { findFlowByName } from '../../store/flows/definitions.js';
import { listMessages, MESSAGE_STATES, type MessageRecord } from '../../store/flows/messages.js';
import {
  type RunCounts,
  runCounts,
  runOutcomes,
  type StepCounts,
  type StepEngagement,
  stepCounts,
  stepEngagement,
} from '../../store/flows/stats.js';
import type { AppContext } from '../context.js';
import { parseInput } from '../input.js';
import { requireFlow, requireFlowView, stepsOf } from './definitions.js';

export const listMessagesInputSchema = z.object({
  shopId: shopSchema.shape.shopId,
  customerId: z.string().min(1).optional(),
  state: z.enum(MESSAGE_STATES).optional(),
  flow: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(10_000).default(100),
});

/** Messages of the outbox, newest first: state, why deferred, expired or suppressed. */
export async function listShopMessages(
  ctx: AppContext,
  input: z.input<typeof listMessagesInputSchema>,
): Promise<MessageRecord[]> {
  const q = parseInput(listMessagesInputSchema, input);
  let flowId: string | undefined;
  if (q.flow) {
    const flow = await findFlowByName(ctx.store, q.shopId, q.flow);
    if (!flow) return [];
    flowId = flow.flowId;
  }
  return listMessages(ctx.store, q.shopId, {
    ...(q.customerId ? { customerId: q.customerId } : {}),
    ...(q.state ? { state: q.state } : {}),
    ...(flowId ? { flowId } : {}),
    limit: q.limit,
  });
}

export interface FlowStats {
  name: string;
  state: string;
  version: number;
  runs: RunCounts;
  /** Steps in document order (of the newest version), with their counts and engagement. */
  steps: (StepCounts & Omit<StepEngagement, 'stepId'> & { kind: string })[];
  /** Conversions are valid orders within this window (after a click for steps, after entering for the lift). */
  attributionWindow: string;
  /** What the flow caused against its holdout (no interval without a holdout). */
  lift: Lift;
  /** Click-credited conversions and revenue of all the flow's messages. */
  conversions: number;
  revenue: number;
}

/** A flow's figures: runs by state, and per step its outcomes and messages. */
export async function flowStats(
  ctx: AppContext,
  input: { shopId: string; name: string },
): Promise<FlowStats> {
  const flow = await requireFlow(ctx, input.shopId, input.name);
  const view = await requireFlowView(ctx, input.shopId, input.name);
  const counts = new Map((await stepCounts(ctx.store, input.shopId, flow.flowId)).map((s) => [s.stepId, s]));
  const window = view.document.attributionWindow;
  const seconds = durationMs(window) / 1000;
  const engagement = new Map(
    (await stepEngagement(ctx.store, input.shopId, flow.flowId, seconds)).map((e) => [e.stepId, e]),
  );
  const outcomes = await runOutcomes(ctx.store, input.shopId, flow.flowId, seconds);
  const none = { sent: 0, delivered: 0, opened: 0, clicked: 0, converted: 0, revenue: 0 };
  const steps = stepsOf(view.document).map((s) => {
    const { stepId: _id, ...e } = engagement.get(s.id) ?? { stepId: s.id, ...none };
    return { kind: s.kind, ...(counts.get(s.id) ?? { stepId: s.id, outcomes: {}, messages: {} }), ...e };
  });
  return {
    name: flow.name,
    state: flow.state,
    version: flow.version,
    runs: await runCounts(ctx.store, input.shopId, flow.flowId),
    steps,
    attributionWindow: window,
    lift: liftOf(outcomes.treated, outcomes.control),
    conversions: steps.reduce((n, s) => n + s.converted, 0),
    revenue: steps.reduce((n, s) => n + s.revenue, 0),
  };
}
