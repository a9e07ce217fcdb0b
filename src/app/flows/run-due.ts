import type { Channels } from '../../channels/channel.js';
import { SmtpPools } from '../../channels/smtp-pool.js';
import { allSteps } from '../../domain/flows/plan.js';
import { type FlowRecord, listFlows } from '../../store/flows/definitions.js';
import { wakeRunsOnEvents } from '../../store/flows/runs.js';
import type { Store } from '../../store/store.js';
import { loadChannels } from '../channel-settings.js';
import type { AppContext } from '../context.js';
import { earnFromEvents } from '../loyalty/events.js';
import { advanceDueRuns } from './advance.js';
import { AnswerWriter } from './answer-writer.js';
import { type DispatchResult, emptyDispatch, planDueMessages, sendPlanned } from './dispatch.js';
import { loadLiveVersions } from './loaded.js';
import { recoverOrphanedSends } from './outcomes.js';
import { scanTrigger } from './triggers.js';

export interface RunDueResult {
  asOf: Date;
  /** Runs started by triggers. */
  started: number;
  /** Run advances (a run advanced twice in one pass counts twice). */
  advanced: number;
  messages: DispatchResult;
}

export interface RunDueOptions {
  /** The shop's configured channels (loaded from its settings once per pass when absent). */
  channels?: Channels;
  /**
   * Where the e-mail channel keeps its SMTP connections between passes (the worker's, closed
   * when it stops). Without it, the pass opens its own and closes them at its end.
   */
  smtpPools?: SmtpPools;
  /** The shop's live and paused flows, when the caller has just listed them (the worker does). */
  flows?: readonly FlowRecord[];
  /** The worker's lease owner for messages being sent (default: `run-due`). */
  owner?: string;
  /** How long a message being sent stays this worker's before recovery may take it over. */
  leaseMs?: number;
  /**
   * Where the providers' answers and the held e-mails' `finalizing` marks are written (default:
   * the pass's store). The worker gives a DuckDB connection of its own (`Store.separateConnection`):
   * on the pass's one connection every held group's commit waited its turn behind the next batch
   * being planned (a transaction of ~10 statements) and the job dispatcher's polls, while the
   * group's SMTP connections sat idle. The two write different rows (planning takes `queued`
   * ones, answers only rows this worker holds in flight), so DuckDB's per-row conflict check lets
   * both commit.
   */
  sendStore?: Store;
}

/** A context whose clock stands at `asOf`: everything the pass writes happens then. */
function at(ctx: AppContext, asOf: Date): AppContext {
  return { ...ctx, clock: { now: () => asOf } };
}

/**
 * Does every piece of flow work due up to `asOf`, as the worker does it: reads the triggers of
 * live flows, starts runs, advances due runs, plans and sends due messages. Running it twice for
 * the same moment does nothing the second time; `nurture flow run-due --as-of` and the server's
 * worker both call it.
 */
export async function runDueFlows(
  ctx: AppContext,
  input: { shopId: string; asOf?: Date },
  options: RunDueOptions = {},
): Promise<RunDueResult> {
  const asOf = input.asOf ?? ctx.clock.now();
  const c = at(ctx, asOf);
  const { shopId } = input;
  const shop = await c.store.requireShop(shopId);
  // Points from the events up to now first (their tier changes are events the triggers read).
  await earnFromEvents(c, { shopId, asOf });
  const flows = options.flows ?? (await listFlows(c.store, shopId, ['live', 'paused']));
  const live = await loadLiveVersions(c.store, shopId, flows);
  const liveFlowIds = new Set(live.map((l) => l.flow.flowId));
  const result: RunDueResult = { asOf, started: 0, advanced: 0, messages: emptyDispatch() };

  const waitsForEvents = live.some((l) =>
    [...allSteps(l.version.doc.steps)].some((s) => s.kind === 'wait_for_event'),
  );
  const earliestMark = Math.min(...live.map((l) => (l.flow.scannedUntil ?? asOf).getTime()), asOf.getTime());
  for (const l of live)
    result.started += await scanTrigger(c, shopId, l.flow, l.version, asOf, shop.timezone);
  if (waitsForEvents) await wakeRunsOnEvents(c.store, shopId, new Date(earliestMark - 1), asOf);

  // Until nothing is due: a run that waits less than the time left until `asOf` (catching up)
  // is due again in the same pass.
  for (;;) {
    const n = await advanceDueRuns(c, shopId, asOf, { liveFlowIds, timeZone: shop.timezone });
    result.advanced += n;
    if (n === 0) break;
  }
  const pausedFlowIds = new Set(flows.filter((f) => f.state === 'paused').map((f) => f.flowId));
  // Loaded once for the pass: recovery and every batch use the same adapters.
  const ownPools = options.channels || options.smtpPools ? undefined : new SmtpPools();
  const smtpPools = options.smtpPools ?? ownPools;
  const channels = options.channels ?? (await loadChannels(c, shopId, smtpPools ? { smtpPools } : {}));
  const send = { channels, ...(options.owner ? { owner: options.owner } : {}) };
  const inFlight = new Set<Promise<void>>();
  const sendCtx = options.sendStore ? { ...c, store: options.sendStore } : c;
  try {
    await recoverOrphanedSends(c, shopId, send);
    const dispatch = {
      ...send,
      // One writer for the pass: the answers of the batch being sent and of the one before it
      // share their transactions.
      writer: new AnswerWriter(sendCtx, shopId, options.owner ?? 'run-due'),
      ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
      pausedFlowIds,
      timeZone: shop.timezone,
    };
    // The next batch is planned (its own transaction, its messages committed `sending`) while
    // the providers of the previous one are being called: at most two batches are out at once.
    let previous: Promise<void> | undefined;
    for (;;) {
      const batch = await planDueMessages(c, shopId, dispatch);
      if (batch.result.considered === 0) {
        // Until nothing is due: a message an unreachable channel hands to the next one is due
        // again once the batch in flight is recorded.
        if (!previous) break;
        await previous;
        previous = undefined;
        continue;
      }
      const sent = sendPlanned(sendCtx, shopId, batch, dispatch).then(() =>
        addDispatch(result.messages, batch.result),
      );
      sent.catch(() => {}); // awaited below; this only keeps a failure from being unhandled meanwhile
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent)).catch(() => {});
      if (previous) await previous;
      previous = sent;
    }
  } finally {
    // A failure stops the pass, but not before the sends already started have been recorded.
    await Promise.allSettled([...inFlight]);
    await ownPools?.close();
  }
  return result;
}

function addDispatch(into: DispatchResult, more: DispatchResult): void {
  for (const key of Object.keys(into) as (keyof DispatchResult)[]) into[key] += more[key];
}
