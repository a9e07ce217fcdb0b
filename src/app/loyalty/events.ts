/**
 * Points from events (account created, reviews and ratings, NPS answers, converted referrals,
 * custom events; idempotent by event id) and the daily pass: birthdays, the inactivity expiry
 * with its reminder, and the tiers of every member (downgrades wait on the calendar).
 */
import { localDay } from '../../domain/analytics/calendar.js';
import { type PlannedEntry, withoutHeldOnce } from '../../domain/loyalty/ledger.js';
import { multiplierFor, type Program, type Rule } from '../../domain/loyalty/program.js';
import { assertNever } from '../../errors.js';
import { appendEntries, balancesWithActivity } from '../../store/loyalty/ledger.js';
import { heldOnceRewards } from '../../store/loyalty/once.js';
import {
  allMemberIds,
  birthdays,
  eventsBetween,
  eventsScannedUntil,
  insertEvents,
  type LoyaltyEvent,
  memberTiers,
  type NewEvent,
  setEventsScannedUntil,
} from '../../store/loyalty/program-members.js';
import { makeScope } from '../../store/segments/scope.js';
import type { AppContext } from '../context.js';
import { applyOrderPoints, stamp } from './earn.js';
import { type LoadedProgram, loadProgram } from './program.js';

/** The reminder event before points expire (properties: points, expiresAt, days). */
export const POINTS_EXPIRING_EVENT = 'Points Expiring';
/** The event a converted referral brings (customer: the referrer; properties: friendCustomerId, orderId). */
export const REFERRAL_CONVERTED_EVENT = 'Referral Converted';

const DAY_MS = 86_400_000;
/** Events are read again this far behind the watermark: late arrivals still earn (keys keep it once). */
const RESCAN_MS = DAY_MS;

/** The event names a rule listens to, and whether an event is one it counts. */
function ruleEvents(rule: Rule): string[] {
  switch (rule.kind) {
    case 'signed_up':
      return ['Signed Up'];
    case 'review':
      return ['Product Reviewed', 'Survey Answered'];
    case 'nps':
      return ['Survey Answered'];
    case 'referral':
      return [REFERRAL_CONVERTED_EVENT];
    case 'custom_event':
      return [rule.event];
    case 'per_amount':
    case 'second_order':
    case 'spend_threshold':
    case 'birthday':
      return [];
    default:
      return assertNever(rule, 'rule');
  }
}

/** The source key of an event's points under a rule, or undefined when the rule does not count it. */
function eventKey(rule: Rule, e: LoyaltyEvent): string | undefined {
  if (!ruleEvents(rule).includes(e.name)) return undefined;
  const kind = e.properties['kind'];
  switch (rule.kind) {
    case 'signed_up':
      return `rule:${rule.id}:${e.customerId}`;
    case 'review':
      if (e.name === 'Survey Answered' && kind !== 'rating') return undefined;
      return `event:${rule.id}:${e.eventId}`;
    case 'nps':
      return kind === 'nps' ? `event:${rule.id}:${e.eventId}` : undefined;
    case 'referral': {
      // One reward per friend, whichever event announced it.
      const friend = e.properties['friendCustomerId'];
      return typeof friend === 'string' && friend
        ? `referral:${rule.id}:${friend}`
        : `event:${rule.id}:${e.eventId}`;
    }
    case 'custom_event':
      return rule.once ? `rule:${rule.id}:${e.customerId}` : `event:${rule.id}:${e.eventId}`;
    default:
      return undefined;
  }
}

/**
 * Earns the points of events that occurred up to `asOf` since the last scan (and a day before
 * it, for late arrivals). Each event earns once per rule (its id, or the customer for once-only
 * rules, is in the source key). Customers who earned get their tiers refreshed.
 */
export async function earnFromEvents(
  ctx: AppContext,
  input: { shopId: string; asOf?: Date },
  loaded?: LoadedProgram,
): Promise<{ entries: number }> {
  const { shopId } = input;
  const prog = loaded ?? (await loadProgram(ctx.store, shopId));
  if (!prog.program.enabled) return { entries: 0 };
  const asOf = input.asOf ?? ctx.clock.now();
  const rules = prog.program.rules.filter((r) => ruleEvents(r).length > 0);
  const names = [...new Set(rules.flatMap(ruleEvents))];
  return ctx.store.transaction(async (tx) => {
    const shop = await tx.requireShop(shopId);
    const until = await eventsScannedUntil(tx, shopId);
    const from = new Date((until?.getTime() ?? 0) - RESCAN_MS);
    const events = await eventsBetween(tx, shopId, names, from, asOf);
    const scope = await makeScope(tx.engine, [...new Set(events.map((e) => e.customerId))]);
    const members = await memberTiers(tx, shopId, scope);
    let planned: PlannedEntry[] = [];
    for (const e of events)
      for (const rule of rules) {
        const key = eventKey(rule, e);
        if (key === undefined || rule.kind === 'per_amount') continue;
        const factor = multiplierFor(
          prog.program,
          rule.id,
          members.get(e.customerId)?.tierId ?? null,
          localDay(e.occurredAt, shop.timezone),
        );
        planned.push({
          customerId: e.customerId,
          kind: 'earn',
          points: Math.floor(rule.points * factor),
          pending: 0,
          reason: rule.kind,
          ruleId: rule.id,
          programVersion: prog.version,
          rate: null,
          base: null,
          sourceType: 'event',
          sourceId: e.eventId,
          sourceKey: key,
        });
      }
    // Once-only rules by customer and rule, not by key: a customer merged into this one may have
    // earned them under its own id (its events, moved here, are read again too).
    if (planned.length > 0) planned = withoutHeldOnce(planned, await heldOnceRewards(tx, shopId, scope));
    await appendEntries(tx, shopId, stamp(ctx, planned, asOf));
    await setEventsScannedUntil(tx, shopId, asOf);
    // A points-based tier moves with these points.
    if (prog.program.tiers.basis === 'points' && planned.length > 0)
      await applyOrderPoints(
        { ...ctx, clock: { now: () => asOf } },
        shopId,
        [...new Set(planned.map((p) => p.customerId))],
        tx,
        prog,
      );
    return { entries: planned.length };
  });
}

/** `MM-DD` of a birthday attribute (YYYY-MM-DD or MM-DD), if it is one. */
function monthDay(value: string): string | undefined {
  const m = /^(?:\d{4}-)?(\d{2})-(\d{2})$/.exec(value.trim());
  return m ? `${m[1]}-${m[2]}` : undefined;
}

export interface DailyResult {
  events: number;
  birthdays: number;
  reminders: number;
  expired: number;
  tierChanges: number;
}

/**
 * The daily loyalty pass, as of `asOf` (the nightly job runs it; running it twice changes
 * nothing): event points, birthday points (once a year), the `Points Expiring` reminder and the
 * expiry of points after the programme's days of inactivity, and every member's tier.
 */
export async function runLoyaltyDaily(
  ctx: AppContext,
  input: { shopId: string; asOf?: Date },
): Promise<DailyResult> {
  const { shopId } = input;
  const asOf = input.asOf ?? ctx.clock.now();
  const c: AppContext = { ...ctx, clock: { now: () => asOf } };
  const prog = await loadProgram(c.store, shopId);
  const result: DailyResult = { events: 0, birthdays: 0, reminders: 0, expired: 0, tierChanges: 0 };
  if (!prog.program.enabled) return result;
  result.events = (await earnFromEvents(c, { shopId, asOf }, prog)).entries;
  const shop = await c.store.requireShop(shopId);
  const today = localDay(asOf, shop.timezone);
  const planned: PlannedEntry[] = [];
  const emitted: NewEvent[] = [];
  const gifts = birthdayEntries(prog.program, prog.version, await birthdays(c.store, shopId), today);
  const { expiryDays, reminderDays } = prog.program.settings;
  if (expiryDays > 0)
    for (const b of await balancesWithActivity(c.store, shopId)) {
      const expiresAt = new Date(b.lastActivityAt.getTime() + expiryDays * DAY_MS);
      const since = b.lastActivityAt.toISOString();
      if (asOf.getTime() >= expiresAt.getTime()) {
        planned.push({
          customerId: b.customerId,
          kind: 'expire',
          points: -b.points,
          pending: 0,
          reason: 'inactivity',
          ruleId: null,
          programVersion: prog.version,
          rate: null,
          base: null,
          sourceType: 'expiry',
          sourceId: null,
          sourceKey: `expire:${b.customerId}:${since}`,
        });
        result.expired++;
      } else if (reminderDays > 0 && asOf.getTime() >= expiresAt.getTime() - reminderDays * DAY_MS) {
        emitted.push({
          eventId: c.newId('evt'),
          dedupeKey: `points-expiring:${b.customerId}:${since}`,
          name: POINTS_EXPIRING_EVENT,
          customerId: b.customerId,
          occurredAt: asOf,
          properties: {
            points: b.points,
            expiresAt: expiresAt.toISOString(),
            expiresOn: localDay(expiresAt, shop.timezone),
            days: Math.ceil((expiresAt.getTime() - asOf.getTime()) / DAY_MS),
          },
        });
        result.reminders++;
      }
    }
  await c.store.transaction(async (tx) => {
    // Once a year for the person: a customer merged into this one may have had this year's.
    const scope = await makeScope(tx.engine, [...new Set(gifts.map((g) => g.customerId))]);
    const given = gifts.length > 0 ? withoutHeldOnce(gifts, await heldOnceRewards(tx, shopId, scope)) : [];
    result.birthdays = given.length;
    planned.push(...given);
    await appendEntries(tx, shopId, stamp(c, planned, asOf));
    await insertEvents(tx, shopId, emitted);
  });
  // Every member's tier as of today: downgrades fall due with the calendar, not with orders.
  result.tierChanges = (
    await applyOrderPoints(c, shopId, await allMemberIds(c.store, shopId), c.store, prog)
  ).tierChanges;
  return result;
}

/** Birthday points for customers whose birthday is today (shop time), once a year. */
function birthdayEntries(
  program: Program,
  version: number,
  people: readonly { customerId: string; birthday: string }[],
  today: string,
): PlannedEntry[] {
  const out: PlannedEntry[] = [];
  for (const rule of program.rules) {
    if (rule.kind !== 'birthday') continue;
    for (const p of people) {
      if (monthDay(p.birthday) !== today.slice(5)) continue;
      out.push({
        customerId: p.customerId,
        kind: 'earn',
        points: rule.points,
        pending: 0,
        reason: 'birthday',
        ruleId: rule.id,
        programVersion: version,
        rate: null,
        base: null,
        sourceType: 'customer',
        sourceId: p.customerId,
        sourceKey: `rule:${rule.id}:${p.customerId}:${today.slice(0, 4)}`,
      });
    }
  }
  return out;
}
