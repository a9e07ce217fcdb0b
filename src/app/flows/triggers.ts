import { instantOnDay } from '../../domain/flows/clock-time.js';
import { nextCronTime, parseCron } from '../../domain/flows/cron.js';
import { inHoldout } from '../../domain/flows/draw.js';
import { durationMs } from '../../domain/flows/duration.js';
import { entryKey, type Occurrence } from '../../domain/flows/entry.js';
import type { PropertyFilterValue, Trigger } from '../../domain/flows/schema.js';
import { zonedDayOf } from '../../domain/time.js';
import { assertNever } from '../../errors.js';
import { type FlowRecord, updateFlow } from '../../store/flows/definitions.js';
import { customersWithRunSince, insertRuns, type NewRun, type RunContext } from '../../store/flows/runs.js';
import {
  customersWithDate,
  eventsInWindow,
  type Happening,
  membersAmong,
  ordersInWindow,
  segmentEntries,
  segmentExits,
  segmentMemberIds,
} from '../../store/flows/triggers.js';
import type { Store } from '../../store/store.js';
import type { AppContext } from '../context.js';
import type { LoadedVersion } from './loaded.js';

const DAY_MS = 86_400_000;
/** How far before a flow went live a status change's order may have been placed (delivered days later). */
const STATUS_LOOKBACK_MS = 90 * DAY_MS;
/** A new order counts when placed at most this long before the flow went live (it arrived late). */
const PLACED_LOOKBACK_MS = DAY_MS;
/** Schedule ticks caught up at most per scan (a server down for a week runs the last ones only). */
const MAX_TICKS = 100;

interface Started {
  occurrence: Occurrence;
  context: RunContext;
  /** When the run's first step is due (an `unless` window delays it). */
  wakeAt: Date;
}

/**
 * Reads what happened to a live flow's trigger since its watermark, up to `asOf`, and starts a run
 * for each occurrence its entry policy admits; the runs and the new watermark commit together.
 * A crash before the commit scans the same window again, and entry keys keep it from starting a
 * run twice. Returns how many runs started.
 */
export async function scanTrigger(
  ctx: AppContext,
  shopId: string,
  flow: FlowRecord,
  live: LoadedVersion,
  asOf: Date,
  timeZone: string,
): Promise<number> {
  const since = flow.scannedUntil ?? flow.liveSince ?? asOf;
  if (asOf.getTime() <= since.getTime()) return 0;
  return ctx.store.transaction(async (tx) => {
    const found = await occurrences(tx, shopId, live.doc.trigger, { since, until: asOf }, flow, timeZone);
    const runs = await admit(tx, ctx, shopId, flow, live, found, timeZone);
    const started = await insertRuns(tx, shopId, runs, ctx.clock.now());
    await updateFlow(tx, shopId, flow.flowId, { scannedUntil: asOf }, ctx.clock.now());
    return started;
  });
}

async function occurrences(
  store: Store,
  shopId: string,
  trigger: Trigger,
  window: { since: Date; until: Date },
  flow: FlowRecord,
  timeZone: string,
): Promise<Started[]> {
  const plain = (h: Happening): Started => ({
    occurrence: { customerId: h.customerId, at: h.at, id: h.id, orderId: h.orderId },
    context: { occurrence: h.id, ...(h.orderId ? { orderId: h.orderId } : {}) },
    wakeAt: h.at,
  });
  const liveSince = (flow.liveSince ?? window.since).getTime();
  switch (trigger.kind) {
    case 'segment_entered':
      return (await segmentEntries(store, shopId, trigger.segment, window)).map(plain);
    case 'segment_exited':
      return (await segmentExits(store, shopId, trigger.segment, window)).map(plain);
    case 'order': {
      const lookback = trigger.status === 'placed' ? PLACED_LOOKBACK_MS : STATUS_LOOKBACK_MS;
      const found = await ordersInWindow(
        store,
        shopId,
        { ...window, createdSince: new Date(liveSince - lookback) },
        {
          status: trigger.status,
          ...(trigger.skus ? { skus: trigger.skus } : {}),
          ...(trigger.categories ? { categories: trigger.categories } : {}),
        },
      );
      // A status change is due when Nurture learns of it, not when the order was placed.
      return found.map((h) => ({ ...plain(h), wakeAt: trigger.status === 'placed' ? h.at : window.until }));
    }
    case 'event': {
      const found = (await eventsInWindow(store, shopId, trigger.event, window)).filter((h) =>
        propertiesMatch(h.properties, trigger.where),
      );
      return found.map((h) => {
        const base = withEvent(plain(h), trigger.event, h.properties);
        if (!trigger.unless) return base;
        const until = new Date(h.at.getTime() + durationMs(trigger.unless.within));
        return {
          ...base,
          context: {
            ...base.context,
            unless: { event: trigger.unless.event, since: h.at.toISOString(), until: until.toISOString() },
          },
          wakeAt: until,
        };
      });
    }
    case 'date':
      return dateOccurrences(store, shopId, trigger, window, timeZone);
    case 'broadcast': {
      const at = broadcastInstant(trigger.at, timeZone);
      if (!(at > window.since.getTime() && at <= window.until.getTime())) return [];
      return toMembers(await segmentMemberIds(store, shopId, trigger.segment), new Date(at), 'broadcast');
    }
    case 'schedule': {
      const cron = parseCron(trigger.cron);
      if (typeof cron === 'string') return [];
      const ticks: Date[] = [];
      for (
        let t = nextCronTime(cron, window.since, timeZone);
        t && t <= window.until;
        t = nextCronTime(cron, t, timeZone)
      )
        ticks.push(t);
      const members = ticks.length > 0 ? await segmentMemberIds(store, shopId, trigger.segment) : [];
      return ticks.slice(-MAX_TICKS).flatMap((t) => toMembers(members, t, `tick:${t.toISOString()}`));
    }
    default:
      return assertNever(trigger, 'flow trigger');
  }
}

/** A run started by an event carries its properties (a checkout's products, for the reminder). */
function withEvent(started: Started, name: string, properties: string | null | undefined): Started {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(properties ?? '{}');
    if (value && typeof value === 'object' && !Array.isArray(value))
      parsed = value as Record<string, unknown>;
  } catch {
    parsed = {};
  }
  return { ...started, context: { ...started.context, event: { name, properties: parsed } } };
}

function toMembers(customerIds: readonly string[], at: Date, id: string): Started[] {
  return customerIds.map((customerId) => ({
    occurrence: { customerId, at, id },
    context: { occurrence: id },
    wakeAt: at,
  }));
}

/** A broadcast's time: ISO 8601 with an offset, or without one in the shop's time zone. */
export function broadcastInstant(text: string, timeZone: string): number {
  if (/[zZ]|[+-]\d\d:?\d\d$/.test(text)) return Date.parse(text);
  const [day, time] = text.split('T');
  return instantOnDay(day!, (time ?? '00:00').slice(0, 5), timeZone).getTime();
}

async function dateOccurrences(
  store: Store,
  shopId: string,
  trigger: Extract<Trigger, { kind: 'date' }>,
  window: { since: Date; until: Date },
  timeZone: string,
): Promise<Started[]> {
  const out: Started[] = [];
  // Each local day whose trigger time falls in the window (a day's time passed once per day).
  const firstDay = zonedDayOf(new Date(window.since.getTime() - DAY_MS), timeZone);
  for (let d = 0; d < 400; d++) {
    const day = shiftDay(firstDay, d);
    const at = instantOnDay(day, trigger.at, timeZone);
    if (at.getTime() > window.until.getTime()) break;
    if (at.getTime() <= window.since.getTime()) continue;
    // The trigger day is the date plus the offset, so the date is the day minus it.
    const dateDay = shiftDay(day, -trigger.offsetDays);
    let ids = await customersWithDate(store, shopId, trigger.property, dateDay);
    if (trigger.segment) {
      const members = await membersAmong(store, shopId, trigger.segment, ids);
      ids = ids.filter((id) => members.has(id));
    }
    out.push(...toMembers(ids, at, `date:${dateDay}`));
  }
  return out;
}

function shiftDay(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** Whether an event's properties (JSON) hold every filter: equal as text, or a number within a range. */
export function propertiesMatch(
  properties: string | null | undefined,
  where: Record<string, PropertyFilterValue> | undefined,
): boolean {
  if (!where || Object.keys(where).length === 0) return true;
  let props: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(properties ?? '{}');
    if (parsed && typeof parsed === 'object') props = parsed as Record<string, unknown>;
  } catch {
    return false;
  }
  return Object.entries(where).every(([k, v]) => {
    const got = props[k];
    if (got === undefined || got === null) return false;
    if (typeof v !== 'object') return String(got) === String(v);
    const n =
      typeof got === 'number' ? got : typeof got === 'string' && got.trim() !== '' ? Number(got) : Number.NaN;
    return Number.isFinite(n) && (v.min === undefined || n >= v.min) && (v.max === undefined || n <= v.max);
  });
}

/** The runs the entry policy admits, with their keys, holdout draw and first step. */
async function admit(
  tx: Store,
  ctx: AppContext,
  shopId: string,
  flow: FlowRecord,
  live: LoadedVersion,
  found: readonly Started[],
  timeZone: string,
): Promise<NewRun[]> {
  if (found.length === 0) return [];
  const policy = live.doc.entry;
  let recent = new Set<string>();
  if (policy.policy === 'once_per') {
    const earliest = Math.min(...found.map((f) => f.occurrence.at.getTime()));
    recent = await customersWithRunSince(tx, shopId, flow.flowId, new Date(earliest - policy.days * DAY_MS));
  }
  const runs: NewRun[] = [];
  for (const f of found) {
    if (recent.has(f.occurrence.customerId)) continue;
    if (policy.policy === 'once_per') recent.add(f.occurrence.customerId);
    const runId = ctx.newId('run');
    runs.push({
      runId,
      flowId: flow.flowId,
      version: live.version,
      customerId: f.occurrence.customerId,
      entryKey: entryKey(policy, f.occurrence, timeZone),
      control: inHoldout(runId, live.doc.holdoutPercent),
      stepId: live.plan.first,
      wakeAt: f.wakeAt,
      context: f.context,
      enteredAt: f.occurrence.at,
    });
  }
  return runs;
}
