/**
 * When a message may go: the shop's delivery policy and the planner that picks a message's slot.
 * Pure: the clock, the customer's history and the shop's zone come in as parameters.
 *
 * Rules (all in the shop's time zone unless said otherwise):
 * - promotional messages, across every channel, at most `cap.perDay` per calendar day and
 *   `cap.perWeek` per rolling 7 days; a message over the cap is DEFERRED to the next free slot,
 *   never dropped (Klaviyo's Smart Sending skips them);
 * - promotional messages are not sent in quiet hours (default 21:00–08:00);
 * - promotional SMS to Vietnamese numbers follow Decree 91/2020/NĐ-CP: only 07:00–22:00
 *   Vietnam time, at most 3 per phone number per rolling 24 h, the text starting with "[QC]";
 * - transactional messages (order confirmation, delivery and COD updates) bypass all of these.
 *   Consent is not checked here: the engine checks it at send time.
 *
 * The planner returns the EARLIEST instant at or after the wanted one that satisfies every rule.
 * A message deferred by the cap therefore goes when the cap frees — the start of the next day's
 * allowed window (08:00 with the default quiet hours, not 00:00) for the daily cap, the moment
 * the oldest message leaves the 7-day window for the weekly one — and one deferred by quiet
 * hours goes when they end. A message whose slot falls after its expiry is reported expired.
 */
import { z } from 'zod';
import type { ChannelKind } from '../../channels/channel.js';
import { NurtureError } from '../../errors.js';
import { isValidTimeZone } from '../time.js';
import {
  type DailySpan,
  dayNumberOf,
  inDailySpan,
  MS_PER_DAY,
  MS_PER_HOUR,
  nextDayStart,
  parseClock,
  spanEndAfter,
} from './local-time.js';

const clock = z
  .string()
  .regex(/^\d{2}:\d{2}$/, 'a time of day as HH:MM')
  .refine((s) => Number.isFinite(parseClock(s)) && parseClock(s) < MS_PER_DAY, 'a time of day 00:00–23:59');

/** The shop's delivery policy; every field has a default, so `DeliveryPolicy.parse({})` is the default. */
export const DeliveryPolicy = z.object({
  /** The promotional cap, across all channels, per customer. */
  cap: z
    .object({
      /** Per calendar day in the shop's time zone. */
      perDay: z.number().int().min(1).max(100).default(1),
      /** Per rolling 7 days (any 7 × 24 h). */
      perWeek: z.number().int().min(1).max(700).default(3),
    })
    .prefault({}),
  /** No promotional message from `start` to `end` (shop time; wraps midnight); `false` turns it off. */
  quietHours: z
    .union([z.literal(false), z.object({ start: clock, end: clock })])
    .default({ start: '21:00', end: '08:00' }),
  /** Decree 91/2020/NĐ-CP on promotional SMS to Vietnamese numbers. */
  vietnamSms: z
    .object({
      enabled: z.boolean().default(true),
      /** Allowed sending hours, Vietnam time. */
      from: clock.default('07:00'),
      until: clock.default('22:00'),
      /** At most this many promotional SMS per phone number per rolling 24 h. */
      perNumberPer24h: z.number().int().min(1).max(100).default(3),
      /** Prepended to the text unless it already starts with "[QC]". */
      prefix: z.string().default('[QC] '),
      /** The decree speaks of Vietnam's clock, whatever the shop's zone. */
      timeZone: z.string().default('Asia/Ho_Chi_Minh'),
    })
    .prefault({}),
});
export type DeliveryPolicy = z.infer<typeof DeliveryPolicy>;

/** The default policy. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = DeliveryPolicy.parse({});

/** A per-customer tightening of the cap (seed 000: fewer promotions for Standard customers). */
export const CapOverride = z.object({
  perDay: z.number().int().min(1).max(100).optional(),
  perWeek: z.number().int().min(1).max(700).optional(),
});
export type CapOverride = z.infer<typeof CapOverride>;

/** A message of the customer's, sent or already given a slot. */
export interface HistoryItem {
  at: Date;
  channel: ChannelKind;
  promotional: boolean;
  /** The address it went to; for SMS the phone number the 24 h limit counts by. */
  to?: string;
}

export interface PlanInput {
  /** When the flow wants the message to go (usually "now"). */
  wanted: Date;
  channel: ChannelKind;
  promotional: boolean;
  /** The recipient (E.164 phone for SMS); an SMS to a number outside Vietnam skips Decree 91. */
  to?: string;
  /** After this instant the message is pointless (a 24 h voucher's reminder). */
  expiresAt?: Date;
  /** The customer's messages, sent and already scheduled, on every channel. */
  history: readonly HistoryItem[];
  policy: DeliveryPolicy;
  /** The shop's IANA time zone. */
  timeZone: string;
  capOverride?: CapOverride;
}

/** Why a message went later than wanted; each names the rule that moved it. */
export const DEFER_REASONS = [
  'quiet_hours',
  'sms_hours',
  'daily_cap',
  'weekly_cap',
  'sms_number_limit',
] as const;
export type DeferReason = (typeof DEFER_REASONS)[number];

/** Why a message is not sent at all. */
export type ExpiryReason =
  /** Its expiry had passed when it was wanted. */
  | 'expired_before_wanted'
  /** The first slot the rules allow is after its expiry. */
  | 'deferred_past_expiry'
  /** No slot within a year (a history the rules can never fit around); defensive. */
  | 'no_slot';

export type SendPlan =
  | { kind: 'send'; at: Date; deferred: DeferReason[] }
  | { kind: 'expired'; reason: ExpiryReason; wouldSendAt: Date | undefined; deferred: DeferReason[] };

/**
 * The channels that reach the customer unasked and so count against the cap and keep quiet
 * hours. A popup shows while the visitor is browsing the shop (its frequency is the widget's
 * setting), and a webhook goes to the shop's own systems: neither is capped nor counted.
 */
export const CAPPED_CHANNELS: readonly ChannelKind[] = ['email', 'sms', 'zalo', 'messenger'];

/** A promotional message on a capped channel. */
function isCapped(m: { channel: ChannelKind; promotional: boolean }): boolean {
  return m.promotional && CAPPED_CHANNELS.includes(m.channel);
}

/** The planner looks this far ahead of the wanted instant at most. */
const HORIZON_MS = 366 * MS_PER_DAY;
const WEEK_MS = 7 * MS_PER_DAY;
const SMS_WINDOW_MS = 24 * MS_PER_HOUR;

/** The rules that apply to one message, compiled from the policy and the input. */
interface Rules {
  timeZone: string;
  quiet: DailySpan | undefined;
  smsQuiet: DailySpan | undefined;
  smsZone: string;
  perDay: number;
  perWeek: number;
  perNumber: number;
  /** Promotional messages' instants, sorted. */
  promos: number[];
  /** Promotional SMS to the same number, sorted (undefined when Decree 91 does not apply). */
  smsPromos: number[] | undefined;
  /** Promotional messages per local day number. */
  perDayCount: Map<number, number>;
}

/**
 * Plans one message: the earliest instant ≥ `wanted` that satisfies every rule, with the rules
 * that moved it, or `expired` when that instant is after `expiresAt`. Transactional messages go
 * at `wanted`. Throws NurtureError('invalid_input') for an unknown time zone.
 */
export function planSend(input: PlanInput): SendPlan {
  const wanted = input.wanted.getTime();
  const expires = input.expiresAt?.getTime();
  if (expires !== undefined && wanted > expires)
    return { kind: 'expired', reason: 'expired_before_wanted', wouldSendAt: undefined, deferred: [] };
  if (!isCapped(input)) return { kind: 'send', at: new Date(wanted), deferred: [] };
  const rules = compileRules(input);
  const deferred: DeferReason[] = [];
  let t = wanted;
  for (;;) {
    if (t - wanted > HORIZON_MS)
      return { kind: 'expired', reason: 'no_slot', wouldSendAt: undefined, deferred };
    // Every failing rule gives the first instant at which it could pass; no instant before the
    // latest of them passes them all, so the planner jumps there and checks again.
    let next = t;
    for (const [reason, until] of failingRules(t, rules)) {
      if (!deferred.includes(reason)) deferred.push(reason);
      if (until > next) next = until;
    }
    if (next === t) break;
    t = next;
  }
  // The full slot is worked out even past the expiry, so the seller reads when it would have gone.
  if (expires !== undefined && t > expires)
    return { kind: 'expired', reason: 'deferred_past_expiry', wouldSendAt: new Date(t), deferred };
  return { kind: 'send', at: new Date(t), deferred };
}

/**
 * The rules a promotional message at `t` breaks, each with the earliest instant after `t` at
 * which that rule could pass (a lower bound: every instant in between breaks it).
 */
export function failingRules(t: number, rules: Rules): Array<[DeferReason, number]> {
  const out: Array<[DeferReason, number]> = [];
  if (rules.quiet && inDailySpan(t, rules.quiet, rules.timeZone))
    out.push(['quiet_hours', spanEndAfter(t, rules.quiet, rules.timeZone)]);
  if (rules.smsQuiet && inDailySpan(t, rules.smsQuiet, rules.smsZone))
    out.push(['sms_hours', spanEndAfter(t, rules.smsQuiet, rules.smsZone)]);
  if ((rules.perDayCount.get(dayNumberOf(t, rules.timeZone)) ?? 0) >= rules.perDay)
    out.push(['daily_cap', nextDayStart(t, rules.timeZone)]);
  const week = rollingBreak(rules.promos, t, rules.perWeek, WEEK_MS);
  if (week !== undefined) out.push(['weekly_cap', week]);
  if (rules.smsPromos) {
    const sms = rollingBreak(rules.smsPromos, t, rules.perNumber, SMS_WINDOW_MS);
    if (sms !== undefined) out.push(['sms_number_limit', sms]);
  }
  return out;
}

/**
 * "At most k in any `windowMs`": with `t` added to the sorted `times`, every k+1 consecutive
 * instants must span at least `windowMs`. Returns undefined when `t` fits, else the earliest
 * instant after `t` where it could: an instant leaving the window (x + windowMs) or `t` passing
 * a scheduled one (x + 1 ms; order changes only there). Between those points the order is fixed,
 * and a window can only stop breaking when `t` is its last element and moves away from its first.
 */
function rollingBreak(times: readonly number[], t: number, k: number, windowMs: number): number | undefined {
  let p = 0;
  while (p < times.length && times[p]! <= t) p++;
  const all = [...times.slice(0, p), t, ...times.slice(p)];
  let breaks = false;
  for (let i = Math.max(0, p - k); i <= p && i + k < all.length; i++) {
    if (all[i + k]! - all[i]! < windowMs) {
      breaks = true;
      break;
    }
  }
  if (!breaks) return undefined;
  let next = Number.POSITIVE_INFINITY;
  for (const x of times) {
    if (x + windowMs > t && x + windowMs < next) next = x + windowMs;
    if (x >= t && x + 1 < next) next = x + 1;
  }
  return next;
}

function compileRules(input: PlanInput): Rules {
  const { policy, timeZone } = input;
  checkZone(timeZone);
  const quiet =
    policy.quietHours === false
      ? undefined
      : { startMs: parseClock(policy.quietHours.start), endMs: parseClock(policy.quietHours.end) };
  const sms = policy.vietnamSms;
  const decree = input.channel === 'sms' && sms.enabled && isVietnamesePhone(input.to);
  if (decree) checkZone(sms.timeZone);
  const promos: number[] = [];
  const smsPromos: number[] = [];
  const perDayCount = new Map<number, number>();
  for (const item of input.history) {
    if (!isCapped(item)) continue;
    const at = item.at.getTime();
    promos.push(at);
    const day = dayNumberOf(at, timeZone);
    perDayCount.set(day, (perDayCount.get(day) ?? 0) + 1);
    if (decree && item.channel === 'sms' && sameNumber(item.to, input.to)) smsPromos.push(at);
  }
  promos.sort((a, b) => a - b);
  smsPromos.sort((a, b) => a - b);
  return {
    timeZone,
    quiet,
    // Allowed from `from` until `until`: the span from `until` to `from` is closed.
    smsQuiet: decree ? { startMs: parseClock(sms.until), endMs: parseClock(sms.from) } : undefined,
    smsZone: sms.timeZone,
    perDay: Math.min(policy.cap.perDay, input.capOverride?.perDay ?? Number.POSITIVE_INFINITY),
    perWeek: Math.min(policy.cap.perWeek, input.capOverride?.perWeek ?? Number.POSITIVE_INFINITY),
    perNumber: sms.perNumberPer24h,
    promos,
    smsPromos: decree ? smsPromos : undefined,
    perDayCount,
  };
}

/** Compiles the rules for re-checking single instants (tests, the engine's "why" display). */
export function rulesFor(input: Omit<PlanInput, 'wanted' | 'expiresAt'>): Rules {
  return compileRules({ ...input, wanted: new Date(0) });
}
export type { Rules as CompiledRules };

/** Vietnamese numbers: +84…, 84…, or a national 0… number; an unknown number is taken as one. */
export function isVietnamesePhone(to: string | undefined): boolean {
  if (to === undefined || to === '') return true;
  const digits = to.replace(/[\s.()-]/g, '');
  return digits.startsWith('+84') || digits.startsWith('84') || /^0\d{9,10}$/.test(digits);
}

/** Both unknown, or the same digits (the 24 h limit counts per number). */
function sameNumber(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return normalisePhone(a) === normalisePhone(b);
}

function normalisePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.startsWith('84')) return digits.slice(2);
  if (digits.startsWith('0')) return digits.slice(1);
  return digits;
}

function checkZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone))
    throw new NurtureError('invalid_input', `unknown time zone "${timeZone}"`, [
      { path: 'timeZone', reason: 'not an IANA time zone' },
    ]);
}

const DEFER_TEXT: Record<DeferReason, { vi: string; en: string }> = {
  quiet_hours: { vi: 'giờ yên tĩnh của cửa hàng', en: "the shop's quiet hours" },
  sms_hours: {
    vi: 'SMS quảng cáo chỉ được gửi 07:00–22:00 (Nghị định 91/2020)',
    en: 'promotional SMS only 07:00–22:00 (Decree 91/2020)',
  },
  daily_cap: { vi: 'đã đủ số tin khuyến mãi trong ngày', en: 'the daily promotional cap was reached' },
  weekly_cap: {
    vi: 'đã đủ số tin khuyến mãi trong 7 ngày',
    en: 'the 7-day promotional cap was reached',
  },
  sms_number_limit: {
    vi: 'đã đủ số SMS quảng cáo cho số này trong 24 giờ (Nghị định 91/2020)',
    en: 'the promotional SMS limit per number in 24 h was reached (Decree 91/2020)',
  },
};

/** A reason for the seller, in their language. */
export function describeDeferReason(reason: DeferReason, lang: 'vi' | 'en'): string {
  return DEFER_TEXT[reason][lang];
}
