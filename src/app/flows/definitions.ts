import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseFlowDocument } from '../../domain/flows/check.js';
import { allSteps } from '../../domain/flows/plan.js';
import type { FlowDocument } from '../../domain/flows/schema.js';
import { shopSchema } from '../../domain/model/shop.js';
import { type ErrorDetail, NurtureError } from '../../errors.js';
import {
  FLOW_STATES,
  type FlowRecord,
  type FlowState,
  findFlowByName,
  insertFlow,
  insertVersion,
  listFlows,
  readVersion,
  updateFlow,
} from '../../store/flows/definitions.js';
import { segmentExists } from '../../store/flows/triggers.js';
import { ensureBuiltinSegments } from '../../store/segments/index.js';
import type { AppContext } from '../context.js';

/**
 * Reads a flow document written as YAML or JSON (JSON is YAML). Invalid input names the line of
 * a syntax error.
 */
export function readFlowText(text: string, file = 'flow'): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const linePos = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new NurtureError('invalid_input', `${file}: not valid YAML or JSON: ${reason}`, [
      { file, ...(linePos ? { line: linePos.line, column: linePos.col } : {}), reason },
    ]);
  }
}

/** A flow as the CLI, the API and the dashboard show it: its record and the document of its newest version. */
export interface FlowView extends FlowRecord {
  document: FlowDocument;
  /** The version new runs start on (live or paused), with its document when it differs from the newest. */
  liveDocument?: FlowDocument;
}

const shopId = shopSchema.shape.shopId;

export const createFlowInputSchema = z.object({
  shopId,
  document: z.unknown(),
  /** Start live at once (default: a draft). */
  live: z.boolean().default(false),
});

/** Every segment name a flow refers to. */
function segmentNames(doc: FlowDocument): { path: string; name: string }[] {
  const out: { path: string; name: string }[] = [];
  const t = doc.trigger;
  if ('segment' in t && t.segment !== undefined) out.push({ path: 'trigger.segment', name: t.segment });
  doc.exitWhen.forEach((c, i) => {
    if (c.kind === 'left_segment') out.push({ path: `exitWhen.${i}.segment`, name: c.segment });
  });
  return out;
}

async function checkReferences(ctx: AppContext, shopId: string, doc: FlowDocument): Promise<void> {
  const problems: ErrorDetail[] = [];
  const refs = segmentNames(doc);
  // The built-in segments (lifecycle:new, value:needs_attention…) exist from a shop's first use.
  if (refs.length > 0) await ensureBuiltinSegments(ctx.store, shopId);
  for (const ref of refs)
    if (!(await segmentExists(ctx.store, shopId, ref.name)))
      problems.push({ path: ref.path, reason: `no segment named "${ref.name}" (see nurture segment list)` });
  if (problems.length > 0)
    throw new NurtureError(
      'invalid_input',
      `invalid flow: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
      problems,
    );
}

/** Creates a flow (a draft unless `live`). Its name must be new in the shop. */
export async function createFlow(
  ctx: AppContext,
  input: z.input<typeof createFlowInputSchema>,
): Promise<FlowView> {
  const { shopId, document, live } = createFlowInputSchema.parse(input);
  const doc = parseFlowDocument(document);
  await ctx.store.requireShop(shopId);
  await checkReferences(ctx, shopId, doc);
  return ctx.store.transaction(async (tx) => {
    if (await findFlowByName(tx, shopId, doc.name))
      throw new NurtureError('conflict', `a flow named "${doc.name}" exists; use flow update to change it`, [
        { path: 'name', reason: 'taken' },
      ]);
    await insertFlow(tx, shopId, {
      flowId: ctx.newId('flow'),
      name: doc.name,
      state: live ? 'live' : 'draft',
      document: JSON.stringify(doc),
      now: ctx.clock.now(),
    });
    return requireFlowView({ ...ctx, store: tx }, shopId, doc.name);
  });
}

/**
 * Saves a new version of a flow. A live or paused flow's new runs start on it; runs inside
 * finish the version they started (they are never moved silently).
 */
export async function updateFlowDocument(
  ctx: AppContext,
  input: { shopId: string; name: string; document: unknown },
): Promise<FlowView> {
  const doc = parseFlowDocument(input.document);
  if (doc.name !== input.name)
    throw new NurtureError(
      'invalid_input',
      `the document names the flow "${doc.name}", not "${input.name}"`,
      [{ path: 'name', reason: 'does not match' }],
    );
  await checkReferences(ctx, input.shopId, doc);
  return ctx.store.transaction(async (tx) => {
    const flow = await requireFlow({ ...ctx, store: tx }, input.shopId, input.name);
    if (flow.state === 'archived')
      throw new NurtureError('conflict', `flow "${input.name}" is archived; create a new one`, []);
    const version = flow.version + 1;
    const now = ctx.clock.now();
    await insertVersion(tx, input.shopId, flow.flowId, version, JSON.stringify(doc), now);
    const live = flow.state === 'live' || flow.state === 'paused';
    await updateFlow(
      tx,
      input.shopId,
      flow.flowId,
      { version, ...(live ? { liveVersion: version } : {}) },
      now,
    );
    return requireFlowView({ ...ctx, store: tx }, input.shopId, input.name);
  });
}

/** What each state change may start from. */
const ALLOWED: Record<'activate' | 'pause' | 'resume' | 'archive', readonly FlowState[]> = {
  activate: ['draft'],
  pause: ['live'],
  resume: ['paused'],
  archive: ['draft', 'live', 'paused'],
};

/**
 * Changes a flow's state: activate (draft → live: triggers count from now, so a flow switched on
 * never messages about last year's orders), pause (runs wait, nothing is sent), resume, archive
 * (its runs end).
 */
export async function changeFlowState(
  ctx: AppContext,
  input: { shopId: string; name: string; action: keyof typeof ALLOWED },
): Promise<FlowView> {
  return ctx.store.transaction(async (tx) => {
    const flow = await requireFlow({ ...ctx, store: tx }, input.shopId, input.name);
    if (!ALLOWED[input.action].includes(flow.state))
      throw new NurtureError(
        'conflict',
        `flow "${input.name}" is ${flow.state}; ${input.action} needs it ${ALLOWED[input.action].join(' or ')}`,
        [{ path: 'state', reason: flow.state }],
      );
    const now = ctx.clock.now();
    switch (input.action) {
      case 'activate':
        await updateFlow(
          tx,
          input.shopId,
          flow.flowId,
          { state: 'live', liveVersion: flow.version, liveSince: now, scannedUntil: now },
          now,
        );
        break;
      case 'pause':
        await updateFlow(tx, input.shopId, flow.flowId, { state: 'paused' }, now);
        break;
      case 'resume':
        await updateFlow(tx, input.shopId, flow.flowId, { state: 'live' }, now);
        break;
      case 'archive':
        await updateFlow(tx, input.shopId, flow.flowId, { state: 'archived' }, now);
        await tx.engine.run(
          `UPDATE flow_runs SET state = 'exited', end_reason = 'flow archived', ended_at = $3, wake_at = NULL,
             updated_at = $3
           WHERE shop_id = $1 AND flow_id = $2 AND state = 'active'`,
          [input.shopId, flow.flowId, now],
        );
        break;
    }
    return requireFlowView({ ...ctx, store: tx }, input.shopId, input.name);
  });
}

export async function requireFlow(ctx: AppContext, shopId: string, name: string): Promise<FlowRecord> {
  const flow = await findFlowByName(ctx.store, shopId, name);
  if (!flow)
    throw new NurtureError('not_found', `no flow named "${name}" (see nurture flow list)`, [
      { path: 'name', reason: 'not found' },
    ]);
  return flow;
}

/** One flow with its newest document (and the live one when they differ). */
export async function requireFlowView(ctx: AppContext, shopId: string, name: string): Promise<FlowView> {
  const flow = await requireFlow(ctx, shopId, name);
  const text = await readVersion(ctx.store, shopId, flow.flowId, flow.version);
  if (text === undefined) throw new Error(`flow ${flow.flowId} has no version ${flow.version}`);
  const view: FlowView = { ...flow, document: JSON.parse(text) as FlowDocument };
  if (flow.liveVersion !== null && flow.liveVersion !== flow.version) {
    const live = await readVersion(ctx.store, shopId, flow.flowId, flow.liveVersion);
    if (live) view.liveDocument = JSON.parse(live) as FlowDocument;
  }
  return view;
}

/** The shop's flows (all states, or some). */
export function listShopFlows(
  ctx: AppContext,
  shopId: string,
  states?: readonly FlowState[],
): Promise<FlowRecord[]> {
  return listFlows(ctx.store, shopId, states);
}

/** Step ids of a document in order, with their kinds (for stats and drawing). */
export function stepsOf(doc: FlowDocument): { id: string; kind: string }[] {
  return [...allSteps(doc.steps)].map((s) => ({ id: s.id, kind: s.kind }));
}

export { FLOW_STATES };
