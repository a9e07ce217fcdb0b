import { z } from 'zod';
import { shopSchema } from '../../domain/model/shop.js';
import { findFlowByName } from '../../store/flows/definitions.js';
import { listMessages, MESSAGE_STATES, type MessageRecord } from '../../store/flows/messages.js';
import { type RunCounts, runCounts, type StepCounts, stepCounts } from '../../store/flows/stats.js';
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
  /** Steps in document order (of the newest version), with their counts. */
  steps: (StepCounts & { kind: string })[];
}

/** A flow's figures: runs by state, and per step its outcomes and messages. */
export async function flowStats(
  ctx: AppContext,
  input: { shopId: string; name: string },
): Promise<FlowStats> {
  const flow = await requireFlow(ctx, input.shopId, input.name);
  const view = await requireFlowView(ctx, input.shopId, input.name);
  const counts = new Map((await stepCounts(ctx.store, input.shopId, flow.flowId)).map((s) => [s.stepId, s]));
  return {
    name: flow.name,
    state: flow.state,
    version: flow.version,
    runs: await runCounts(ctx.store, input.shopId, flow.flowId),
    steps: stepsOf(view.document).map((s) => ({
      kind: s.kind,
      ...(counts.get(s.id) ?? { stepId: s.id, outcomes: {}, messages: {} }),
    })),
  };
}
