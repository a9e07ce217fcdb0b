import { type AdvanceFacts, advanceRun, type StepEffect } from '../../domain/flows/advance.js';
import { stableDraw } from '../../domain/flows/draw.js';
import { durationMs } from '../../domain/flows/duration.js';
import { allSteps } from '../../domain/flows/plan.js';
import { assertNever } from '../../errors.js';
import { changeTags, insertTask, setAttribute } from '../../store/flows/effects.js';
import { insertMessages, type MessageRecord } from '../../store/flows/messages.js';
import {
  appendJournal,
  type JournalRow,
  lockDueRuns,
  type RunProgress,
  type RunRecord,
  saveRunProgress,
} from '../../store/flows/runs.js';
import {
  type CustomerDates,
  customerDates,
  lastPerformed,
  matchingAmong,
  membersAmong,
  orderedSince,
} from '../../store/flows/triggers.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { createCoupon } from '../coupons.js';
import { type LoadedVersion, loadVersions } from './loaded.js';
import { reorderDueDays } from './reorder.js';

/** Runs advanced per transaction. */
export const RUN_BATCH = 500;

/**
 * Advances one batch of due runs of live flows: locks them, loads what their exit conditions,
 * waits and conditions need, runs their steps (domain/flows/advance.ts), and writes the effects,
 * the journal and the new positions in the same transaction. Returns how many runs it advanced.
 */
export async function advanceDueRuns(
  ctx: AppContext,
  shopId: string,
  asOf: Date,
  options: { liveFlowIds: ReadonlySet<string>; timeZone: string; limit?: number },
): Promise<number> {
  return ctx.store.transaction(async (tx) => {
    const txCtx: AppContext = { ...ctx, store: tx };
    const due = await lockDueRuns(tx, shopId, asOf, options.limit ?? RUN_BATCH, [...options.liveFlowIds]);
    if (due.length === 0) return 0;
    const versions = await loadVersions(tx, shopId, due);
    const facts = await loadFacts(tx, shopId, due, versions, asOf, options.timeZone);
    const progress: RunProgress[] = [];
    const journal: JournalRow[] = [];
    const messages: MessageRecord[] = [];
    const now = ctx.clock.now();
    for (const run of due) {
      const version = versions.get(`${run.flowId}:${run.version}`);
      const stepTime = run.wakeAt && run.wakeAt < asOf ? run.wakeAt : asOf;
      if (!version) {
        progress.push(ended(run, stepTime, `version ${run.version} is missing`));
        continue;
      }
      const result = advanceRun(
        version.plan,
        {
          runId: run.runId,
          customerId: run.customerId,
          stepId: run.stepId,
          seq: run.seq,
          enteredAt: run.enteredAt,
          waitingEvent: run.waitingEvent,
          waitSince: run.waitSince,
        },
        facts.forRun(run, stepTime, options.timeZone),
      );
      const context = { ...run.context };
      for (const effect of result.effects) {
        const message = await applyEffect(txCtx, shopId, run, version, effect, context, now);
        if (message) messages.push(message);
      }
      for (const j of result.journal)
        journal.push({
          runId: run.runId,
          seq: j.seq,
          flowId: run.flowId,
          version: run.version,
          stepId: j.stepId,
          outcome: j.outcome,
          detail: j.detail ?? null,
          at: j.at,
        });
      const over = result.ended !== undefined;
      progress.push({
        runId: run.runId,
        state: over ? (result.ended === 'completed' ? 'done' : 'exited') : 'active',
        stepId: result.position.stepId,
        seq: result.position.seq,
        wakeAt: result.wakeAt,
        waitingEvent: result.position.waitingEvent,
        waitSince: result.position.waitSince,
        context,
        endedAt: over ? stepTime : null,
        endReason: result.ended ?? null,
      });
    }
    await insertMessages(tx, shopId, messages);
    await appendJournal(tx, shopId, journal);
    await saveRunProgress(tx, shopId, progress, now);
    return due.length;
  });
}

function ended(run: RunRecord, at: Date, reason: string): RunProgress {
  return {
    runId: run.runId,
    state: 'exited',
    stepId: null,
    seq: run.seq,
    wakeAt: null,
    waitingEvent: null,
    waitSince: null,
    context: run.context,
    endedAt: at,
    endReason: reason,
  };
}

/** Applies one step's effect; a send step returns its outbox row (written with the batch). */
async function applyEffect(
  ctx: AppContext,
  shopId: string,
  run: RunRecord,
  version: LoadedVersion,
  effect: StepEffect,
  context: RunRecord['context'],
  now: Date,
): Promise<MessageRecord | undefined> {
  const step = effect.step;
  const sourceKey = `run:${run.runId}:${step.id}:${effect.seq}`;
  switch (step.kind) {
    case 'send': {
      const messageId = ctx.newId('msg');
      return {
        messageId,
        sourceKey,
        customerId: run.customerId,
        flowId: run.flowId,
        version: version.version,
        runId: run.runId,
        stepId: step.id,
        channels: step.channels,
        channelIndex: 0,
        channel: step.channels[0]!,
        promotional: step.promotional,
        state: 'queued',
        dueAt: effect.at,
        planned: false,
        expiresAt: step.expiresAfter ? new Date(effect.at.getTime() + durationMs(step.expiresAfter)) : null,
        idempotencyKey: messageId,
        provider: null,
        providerMessageId: null,
        recipient: null,
        rendered: null,
        reason: null,
        deferred: null,
        attempts: 0,
        leaseOwner: null,
        leaseUntil: null,
        createdAt: now,
        sentAt: null,
      };
    }
    case 'coupon': {
      const couponKey = `flow:${run.runId}:${step.id}`;
      const expires = new Date(effect.at.getTime() + durationMs(step.coupon.validFor));
      if (expires.getTime() > ctx.clock.now().getTime()) {
        await createCoupon(ctx, {
          shopId,
          customerId: run.customerId,
          sourceKey: couponKey,
          kind: step.coupon.kind,
          ...(step.coupon.kind === 'free_shipping' ? {} : { value: step.coupon.value }),
          ...(step.coupon.minOrder === undefined ? {} : { minOrder: step.coupon.minOrder }),
          expires,
        });
        context.coupons = { ...context.coupons, [step.id]: couponKey };
      }
      return undefined;
    }
    case 'tag':
      await changeTags(ctx.store, shopId, run.customerId, step.add, step.remove);
      return undefined;
    case 'set_attribute':
      await setAttribute(ctx.store, shopId, run.customerId, step.name, step.value, now);
      return undefined;
    case 'task':
      await insertTask(ctx.store, shopId, {
        taskId: ctx.newId('task'),
        sourceKey,
        customerId: run.customerId,
        flowId: run.flowId,
        runId: run.runId,
        title: step.title,
        note: step.note ?? null,
        dueAt: step.dueIn ? new Date(effect.at.getTime() + durationMs(step.dueIn)) : null,
        state: 'open',
        createdAt: now,
        doneAt: null,
      });
      return undefined;
    default:
      return assertNever(step, 'step effect');
  }
}

interface BatchFacts {
  forRun(run: RunRecord, stepTime: Date, timeZone: string): AdvanceFacts;
}

/** Loads, for a batch of runs, every fact their flows' exit conditions, waits and conditions read. */
async function loadFacts(
  store: Store,
  shopId: string,
  runs: readonly RunRecord[],
  versions: ReadonlyMap<string, LoadedVersion>,
  asOf: Date,
  timeZone: string,
): Promise<BatchFacts> {
  const exitReasons = new Map<string, string>();
  const conditionHolds = new Map<string, Set<string>>();
  const eventSeen = new Set<string>();
  const byVersion = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = `${r.flowId}:${r.version}`;
    byVersion.set(key, [...(byVersion.get(key) ?? []), r]);
  }
  for (const [key, list] of byVersion) {
    const version = versions.get(key);
    if (!version) continue;
    const ids = list.map((r) => r.customerId);
    for (const [i, c] of version.doc.exitWhen.entries()) {
      const exitIf = (runId: string, reason: string) => {
        if (!exitReasons.has(runId)) exitReasons.set(runId, reason);
      };
      switch (c.kind) {
        case 'placed_order': {
          const ordered = await orderedSince(
            store,
            shopId,
            list.map((r) => ({ customerId: r.customerId, since: r.enteredAt })),
          );
          for (const r of list) if (ordered.has(r.customerId)) exitIf(r.runId, 'placed an order');
          break;
        }
        case 'performed': {
          const earliest = new Date(Math.min(...list.map((r) => r.enteredAt.getTime())));
          const last = await lastPerformed(store, shopId, c.event, ids, earliest);
          for (const r of list)
            if ((last.get(r.customerId)?.getTime() ?? 0) > r.enteredAt.getTime())
              exitIf(r.runId, `performed ${c.event}`);
          break;
        }
        case 'left_segment': {
          const members = await membersAmong(store, shopId, c.segment, ids);
          for (const r of list) if (!members.has(r.customerId)) exitIf(r.runId, `left segment ${c.segment}`);
          break;
        }
        case 'matches': {
          const matching = await matchingAmong(store, shopId, c.query, ids, asOf);
          for (const r of list)
            if (matching.has(r.customerId)) exitIf(r.runId, `exit condition ${i + 1} holds`);
          break;
        }
        default:
          assertNeverCondition(c);
      }
    }
    for (const step of allSteps(version.doc.steps))
      if (step.kind === 'condition')
        conditionHolds.set(`${key}:${step.id}`, await matchingAmong(store, shopId, step.query, ids, asOf));
  }
  // An event trigger's `unless`: the awaited follow-up happened within its window.
  const unlessRuns = runs.filter((r) => r.context.unless && r.stepId !== null && r.seq === 0);
  for (const event of new Set(unlessRuns.map((r) => r.context.unless!.event))) {
    const list = unlessRuns.filter((r) => r.context.unless!.event === event);
    const earliest = new Date(Math.min(...list.map((r) => Date.parse(r.context.unless!.since))));
    const last = await lastPerformed(
      store,
      shopId,
      event,
      list.map((r) => r.customerId),
      earliest,
    );
    for (const r of list) {
      const at = last.get(r.customerId)?.getTime();
      const u = r.context.unless!;
      if (
        at !== undefined &&
        at > Date.parse(u.since) &&
        at <= Date.parse(u.until) &&
        !exitReasons.has(r.runId)
      )
        exitReasons.set(r.runId, `${event} followed within the window`);
    }
  }
  const waiting = runs.filter((r) => r.waitingEvent !== null && r.waitSince !== null);
  for (const event of new Set(waiting.map((r) => r.waitingEvent!))) {
    const list = waiting.filter((r) => r.waitingEvent === event);
    const earliest = new Date(Math.min(...list.map((r) => r.waitSince!.getTime())) - 1);
    const last = await lastPerformed(
      store,
      shopId,
      event,
      list.map((r) => r.customerId),
      earliest,
    );
    for (const r of list) {
      const at = last.get(r.customerId)?.getTime();
      if (at !== undefined && at >= r.waitSince!.getTime() && at <= asOf.getTime()) eventSeen.add(r.runId);
    }
  }
  // reorder_due: when the customer will buy again what the run's order brought (reorder.ts).
  const needsReorder = [...versions.values()].some((v) =>
    [...allSteps(v.doc.steps)].some((s) => s.kind === 'wait_until_date' && s.property === 'reorder_due'),
  );
  const reorderDue = needsReorder
    ? await reorderDueDays(
        store,
        shopId,
        runs.flatMap((r) =>
          r.context.orderId ? [{ runId: r.runId, orderId: r.context.orderId, customerId: r.customerId }] : [],
        ),
        timeZone,
      )
    : new Map<string, string>();
  // wait_until_date reads the customer's dates; wait_until_time their own time zone when known.
  const needsDates = [...versions.values()].some((v) =>
    [...allSteps(v.doc.steps)].some((s) => s.kind === 'wait_until_date' || s.kind === 'wait_until_time'),
  );
  const dates: Map<string, CustomerDates> = needsDates
    ? await customerDates(
        store,
        shopId,
        runs.map((r) => r.customerId),
      )
    : new Map();
  return {
    forRun(run, stepTime, timeZone) {
      const key = `${run.flowId}:${run.version}`;
      const d = dates.get(run.customerId);
      return {
        now: stepTime,
        timeZone,
        customerTimeZone: d?.timeZone,
        exitReason: exitReasons.get(run.runId),
        eventSeen: eventSeen.has(run.runId),
        conditionHolds: (stepId) => conditionHolds.get(`${key}:${stepId}`)?.has(run.customerId) ?? false,
        draw: (stepId) => stableDraw(`${run.runId}:${stepId}`),
        dates: {
          ...(d?.birthday ? { birthday: nextBirthday(d.birthday, stepTime) } : {}),
          ...(d?.expectedNextOrder ? { expected_next_order: d.expectedNextOrder } : {}),
          ...(reorderDue.has(run.runId) ? { reorder_due: reorderDue.get(run.runId)! } : {}),
        },
      };
    },
  };
}

function assertNeverCondition(c: never): never {
  return assertNever(c, 'exit condition');
}

/** The next birthday on or after `from` (`YYYY-MM-DD` or `--MM-DD` stored), as `YYYY-MM-DD`. */
function nextBirthday(stored: string, from: Date): string {
  const monthDay = stored.slice(-5);
  const year = from.getUTCFullYear();
  const thisYear = `${year}-${monthDay}`;
  return thisYear >= from.toISOString().slice(0, 10) ? thisYear : `${year + 1}-${monthDay}`;
}
