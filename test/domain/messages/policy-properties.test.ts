import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChannelKind } from '../../../src/channels/channel.js';
import {
  DeliveryPolicy,
  type HistoryItem,
  type PlanInput,
  planSend,
} from '../../../src/domain/messages/policy.js';

/**
 * Properties of planSend, checked against an independent reading of the rules: local clocks come
 * from Intl.DateTimeFormat directly (not src/domain/time.ts), rolling windows are counted from
 * each message rather than by sorted spans.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function localOf(t: number, timeZone: string): { day: string; msOfDay: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const ms =
    ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (t % 1000);
  return { day: `${parts.year}-${parts.month}-${parts.day}`, msOfDay: ms };
}

const clockMs = (hhmm: string) => (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * MINUTE;

function inSpan(ms: number, start: string, end: string): boolean {
  const s = clockMs(start);
  const e = clockMs(end);
  if (s === e) return false;
  return s < e ? ms >= s && ms < e : ms >= s || ms < e;
}

/** At most k of `times` ∪ {t} in any window [x, x + w) that starts at one of them and holds t. */
function rollingOk(times: number[], t: number, k: number, w: number): boolean {
  const all = [...times, t];
  return all.every((x) => !(x <= t && t < x + w) || all.filter((y) => y >= x && y < x + w).length <= k);
}

/** Whether a promotional message at `t` keeps every rule (the test's own reading of them). */
function allowed(t: number, input: PlanInput): boolean {
  const { policy, timeZone } = input;
  const local = localOf(t, timeZone);
  const capped = ['email', 'sms', 'zalo', 'messenger'];
  if (!capped.includes(input.channel)) return true; // popups and webhooks: any time
  if (policy.quietHours !== false && inSpan(local.msOfDay, policy.quietHours.start, policy.quietHours.end))
    return false;
  const promos = input.history
    .filter((h) => h.promotional && capped.includes(h.channel))
    .map((h) => h.at.getTime());
  const perDay = Math.min(policy.cap.perDay, input.capOverride?.perDay ?? 1e9);
  const perWeek = Math.min(policy.cap.perWeek, input.capOverride?.perWeek ?? 1e9);
  if (promos.filter((x) => localOf(x, timeZone).day === local.day).length >= perDay) return false;
  if (!rollingOk(promos, t, perWeek, 7 * DAY)) return false;
  if (input.channel === 'sms' && policy.vietnamSms.enabled) {
    const vn = localOf(t, 'Asia/Ho_Chi_Minh');
    if (!inSpan(vn.msOfDay, policy.vietnamSms.from, policy.vietnamSms.until)) return false;
    const sms = input.history.filter((h) => h.promotional && h.channel === 'sms').map((h) => h.at.getTime());
    if (!rollingOk(sms, t, policy.vietnamSms.perNumberPer24h, DAY)) return false;
  }
  return true;
}

const ZONES = ['Asia/Ho_Chi_Minh', 'Europe/Berlin', 'America/New_York'];
/** Around the 2026 DST changes of Berlin and New York, and an ordinary day. */
const BASES = [
  Date.parse('2026-03-08T06:00:00Z'),
  Date.parse('2026-03-29T00:30:00Z'),
  Date.parse('2026-10-25T00:30:00Z'),
  Date.parse('2026-11-01T05:30:00Z'),
  Date.parse('2026-12-07T03:00:00Z'),
];
const CLOCKS = ['00:00', '01:30', '02:30', '07:00', '08:00', '12:00', '21:00', '22:00', '23:45'];
const CHANNELS: ChannelKind[] = ['email', 'sms', 'zalo', 'popup'];

const inputArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    base: fc.constantFrom(...BASES),
    offsetMin: fc.integer({ min: -3 * 1440, max: 3 * 1440 }),
    extraMs: fc.integer({ min: 0, max: 59_999 }),
    channel: fc.constantFrom(...CHANNELS),
    perDay: fc.integer({ min: 1, max: 3 }),
    perWeek: fc.integer({ min: 1, max: 5 }),
    quiet: fc.option(fc.record({ start: fc.constantFrom(...CLOCKS), end: fc.constantFrom(...CLOCKS) }), {
      nil: undefined,
    }),
    sms: fc.boolean(),
    override: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    history: fc.array(
      fc.record({
        offsetMin: fc.integer({ min: -8 * 1440, max: 8 * 1440 }),
        channel: fc.constantFrom<ChannelKind>('email', 'sms', 'zalo', 'messenger', 'webhook', 'popup'),
        promotional: fc.boolean(),
      }),
      { maxLength: 7 },
    ),
  })
  .map((r): PlanInput => {
    const wanted = r.base + r.offsetMin * MINUTE + r.extraMs;
    const history: HistoryItem[] = r.history.map((h) => ({
      at: new Date(wanted + h.offsetMin * MINUTE),
      channel: h.channel,
      promotional: h.promotional,
    }));
    return {
      wanted: new Date(wanted),
      channel: r.channel,
      promotional: true,
      history,
      timeZone: r.zone,
      policy: DeliveryPolicy.parse({
        cap: { perDay: r.perDay, perWeek: r.perWeek },
        quietHours: r.quiet ?? false,
        vietnamSms: { enabled: r.sms },
      }),
      ...(r.override === undefined ? {} : { capOverride: { perWeek: r.override } }),
    };
  });

describe('planSend properties', () => {
  it('plans a slot ≥ wanted that keeps every rule, and no earlier minute keeps them all', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planSend(input);
        const wanted = input.wanted.getTime();
        if (plan.kind === 'expired') {
          // Only when quiet hours and the SMS hours leave no minute of the day open: past the
          // history's reach (8 days) no minute of a whole day is allowed.
          expect(plan.reason).toBe('no_slot');
          for (let g = wanted + 9 * DAY; g < wanted + 10 * DAY; g += MINUTE)
            expect(allowed(g, input)).toBe(false);
          return;
        }
        const slot = plan.at.getTime();
        expect(slot).toBeGreaterThanOrEqual(wanted);
        expect(allowed(slot, input)).toBe(true);
        expect(plan.deferred.length === 0).toBe(slot === wanted);
        // Minimal: wanted itself and every whole minute up to the slot (within 9 days) is refused.
        const stop = Math.min(slot, wanted + 9 * DAY);
        if (slot > wanted) expect(allowed(wanted, input)).toBe(false);
        for (let g = Math.ceil(wanted / MINUTE) * MINUTE; g < stop; g += MINUTE) {
          if (allowed(g, input)) throw new Error(`allowed earlier: ${new Date(g).toISOString()}`);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('an expiry either leaves the slot unchanged or reports the slot it would have had', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 4 * 1440 }), (input, expiresMin) => {
        const free = planSend(input);
        const expiresAt = new Date(input.wanted.getTime() + expiresMin * MINUTE);
        const plan = planSend({ ...input, expiresAt });
        if (free.kind !== 'send') return;
        if (free.at <= expiresAt) expect(plan).toEqual(free);
        else
          expect(plan).toEqual({
            kind: 'expired',
            reason: 'deferred_past_expiry',
            wouldSendAt: free.at,
            deferred: free.deferred,
          });
      }),
      { numRuns: 300 },
    );
  });

  it('transactional messages go at the wanted instant whatever the history', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = planSend({ ...input, promotional: false });
        expect(plan).toEqual({ kind: 'send', at: input.wanted, deferred: [] });
      }),
      { numRuns: 100 },
    );
  });
});
