import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DELIVERY_POLICY,
  DeliveryPolicy,
  describeDeferReason,
  type HistoryItem,
  type PlanInput,
  planSend,
} from '../../../src/domain/messages/policy.js';
import { NurtureError } from '../../../src/errors.js';

const HCM = 'Asia/Ho_Chi_Minh';
const BERLIN = 'Europe/Berlin';
const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);
const promo = (iso: string, channel: HistoryItem['channel'] = 'email', to?: string): HistoryItem => ({
  at: at(iso),
  channel,
  promotional: true,
  ...(to === undefined ? {} : { to }),
});

function plan(over: Partial<PlanInput> & { wanted: Date }): ReturnType<typeof planSend> {
  return planSend({
    channel: 'email',
    promotional: true,
    history: [],
    policy: DEFAULT_DELIVERY_POLICY,
    timeZone: HCM,
    ...over,
  });
}

const sendAt = (p: ReturnType<typeof planSend>) =>
  p.kind === 'send' ? p.at.toISOString() : `expired:${p.reason}`;

describe('DeliveryPolicy', () => {
  it('defaults to 1 a day, 3 a week, quiet 21:00–08:00 and Decree 91 on SMS', () => {
    expect(DeliveryPolicy.parse({})).toEqual({
      cap: { perDay: 1, perWeek: 3 },
      quietHours: { start: '21:00', end: '08:00' },
      vietnamSms: {
        enabled: true,
        from: '07:00',
        until: '22:00',
        perNumberPer24h: 3,
        prefix: '[QC] ',
        timeZone: 'Asia/Ho_Chi_Minh',
      },
    });
  });

  it('keeps the other defaults when one field is set, and turns quiet hours off with false', () => {
    const p = DeliveryPolicy.parse({ cap: { perWeek: 5 }, quietHours: false });
    expect(p.cap).toEqual({ perDay: 1, perWeek: 5 });
    expect(p.quietHours).toBe(false);
    expect(p.vietnamSms.perNumberPer24h).toBe(3);
  });

  it('refuses a cap of 0 and a malformed time of day', () => {
    expect(DeliveryPolicy.safeParse({ cap: { perDay: 0 } }).success).toBe(false);
    expect(DeliveryPolicy.safeParse({ quietHours: { start: '9pm', end: '08:00' } }).success).toBe(false);
    expect(DeliveryPolicy.safeParse({ quietHours: { start: '24:00', end: '08:00' } }).success).toBe(false);
  });
});

describe('planSend', () => {
  it('sends at the wanted instant when nothing stands in the way', () => {
    const p = plan({ wanted: at('2026-12-07T10:15:00+07:00') });
    expect(p).toEqual({ kind: 'send', at: at('2026-12-07T10:15:00+07:00'), deferred: [] });
  });

  it('defers a second promotion the same day to 08:00 the next day, not 00:00 and not dropped', () => {
    const p = plan({
      wanted: at('2026-12-07T15:00:00+07:00'),
      history: [promo('2026-12-07T10:00:00+07:00', 'sms')],
    });
    expect(p).toEqual({
      kind: 'send',
      at: at('2026-12-08T08:00:00+07:00'),
      deferred: ['daily_cap', 'quiet_hours'],
    });
  });

  it('with quiet hours off, a capped message takes the next day from midnight', () => {
    const policy = DeliveryPolicy.parse({ quietHours: false });
    const p = plan({
      wanted: at('2026-12-07T15:00:00+07:00'),
      policy,
      history: [promo('2026-12-07T10:00:00+07:00')],
    });
    expect(sendAt(p)).toBe(at('2026-12-08T00:00:00+07:00').toISOString());
  });

  it('defers a 4th promotion in a week until the oldest leaves the 7-day window', () => {
    const history = [
      promo('2026-12-07T10:00:00+07:00'),
      promo('2026-12-08T10:00:00+07:00', 'zalo'),
      promo('2026-12-09T10:00:00+07:00', 'sms'),
    ];
    const p = plan({ wanted: at('2026-12-10T09:00:00+07:00'), history });
    expect(p).toEqual({ kind: 'send', at: at('2026-12-14T10:00:00+07:00'), deferred: ['weekly_cap'] });
  });

  it('counts already-scheduled messages: a slot must not crowd a later one into the cap', () => {
    // Scheduled: Dec 10 and 11; sent Dec 5. Wanted Dec 8: {5, 8, 10, 11} would put 4 within 7 days.
    const history = [
      promo('2026-12-05T10:00:00+07:00'),
      promo('2026-12-10T10:00:00+07:00'),
      promo('2026-12-11T10:00:00+07:00'),
    ];
    const p = plan({ wanted: at('2026-12-08T10:00:00+07:00'), history });
    // Dec 8 and 9 crowd {5, 8|9, 10, 11}; Dec 10 and 11 are full days; Dec 12 at 08:00 still has
    // Dec 5 10:00 within 7 days; at 10:00 it leaves: {10, 11, 12} is 3.
    expect(p).toEqual({
      kind: 'send',
      at: at('2026-12-12T10:00:00+07:00'),
      deferred: ['weekly_cap', 'daily_cap'],
    });
  });

  it('ignores transactional messages in the history and lets them through at night', () => {
    const history: HistoryItem[] = [
      { at: at('2026-12-07T10:00:00+07:00'), channel: 'sms', promotional: false },
    ];
    expect(sendAt(plan({ wanted: at('2026-12-07T15:00:00+07:00'), history }))).toBe(
      '2026-12-07T08:00:00.000Z',
    );
    const night = plan({
      wanted: at('2026-12-07T02:00:00+07:00'),
      channel: 'sms',
      promotional: false,
      history: [promo('2026-12-07T01:00:00+07:00', 'sms')],
    });
    expect(night).toEqual({ kind: 'send', at: at('2026-12-07T02:00:00+07:00'), deferred: [] });
  });

  it('moves a promotional SMS at 23:00 to 07:00 under Decree 91 (08:00 with the default quiet hours)', () => {
    const policy = DeliveryPolicy.parse({ quietHours: false });
    const p = plan({ wanted: at('2026-12-07T23:00:00+07:00'), channel: 'sms', to: '+84912345678', policy });
    expect(p).toEqual({ kind: 'send', at: at('2026-12-08T07:00:00+07:00'), deferred: ['sms_hours'] });
    const q = plan({ wanted: at('2026-12-07T23:00:00+07:00'), channel: 'sms', to: '+84912345678' });
    expect(q).toEqual({
      kind: 'send',
      at: at('2026-12-08T08:00:00+07:00'),
      deferred: ['quiet_hours', 'sms_hours'],
    });
    // 22:00 is already closed; 21:59 is open.
    expect(sendAt(plan({ wanted: at('2026-12-07T22:00:00+07:00'), channel: 'sms', policy }))).toBe(
      '2026-12-08T00:00:00.000Z',
    );
    expect(sendAt(plan({ wanted: at('2026-12-07T21:59:00+07:00'), channel: 'sms', policy }))).toBe(
      '2026-12-07T14:59:00.000Z',
    );
  });

  it('keeps Vietnam time for Decree 91 whatever the shop zone, and skips it for foreign numbers', () => {
    const policy = DeliveryPolicy.parse({ quietHours: false });
    // 17:00 in Berlin (winter) is 23:00 in Hanoi.
    const p = plan({
      wanted: at('2026-12-07T16:00:00Z'),
      channel: 'sms',
      to: '+84912345678',
      policy,
      timeZone: BERLIN,
    });
    expect(sendAt(p)).toBe(at('2026-12-08T07:00:00+07:00').toISOString());
    const foreign = plan({
      wanted: at('2026-12-07T16:00:00Z'),
      channel: 'sms',
      to: '+4915112345678',
      policy,
      timeZone: BERLIN,
    });
    expect(sendAt(foreign)).toBe('2026-12-07T16:00:00.000Z');
  });

  it('allows at most 3 promotional SMS per number per rolling 24 h', () => {
    const policy = DeliveryPolicy.parse({ quietHours: false, cap: { perDay: 10, perWeek: 50 } });
    const history = [
      promo('2026-12-07T08:00:00+07:00', 'sms', '+84912345678'),
      promo('2026-12-07T09:00:00+07:00', 'sms', '0912345678'),
      promo('2026-12-07T10:00:00+07:00', 'sms', '+84 912 345 678'),
    ];
    const wanted = at('2026-12-07T11:00:00+07:00');
    const p = plan({ wanted, channel: 'sms', to: '+84912345678', history, policy });
    expect(p).toEqual({ kind: 'send', at: at('2026-12-08T08:00:00+07:00'), deferred: ['sms_number_limit'] });
    expect(sendAt(plan({ wanted, channel: 'sms', to: '+84987654321', history, policy }))).toBe(
      wanted.toISOString(),
    );
    expect(sendAt(plan({ wanted, channel: 'email', history, policy }))).toBe(wanted.toISOString());
  });

  it('neither caps nor counts popups and webhooks', () => {
    const history = [
      promo('2026-12-07T10:00:00+07:00', 'popup'),
      promo('2026-12-07T11:00:00+07:00', 'webhook'),
    ];
    expect(sendAt(plan({ wanted: at('2026-12-07T15:00:00+07:00'), history }))).toBe(
      '2026-12-07T08:00:00.000Z',
    );
    const popup = plan({
      wanted: at('2026-12-07T23:00:00+07:00'),
      channel: 'popup',
      history: [promo('2026-12-07T10:00:00+07:00')],
    });
    expect(popup).toEqual({ kind: 'send', at: at('2026-12-07T23:00:00+07:00'), deferred: [] });
  });

  it('applies a per-customer cap override (fewer promotions for Standard customers)', () => {
    const p = plan({
      wanted: at('2026-12-07T10:00:00+07:00'),
      history: [promo('2026-12-04T10:00:00+07:00')],
      capOverride: { perWeek: 1 },
    });
    expect(p).toEqual({ kind: 'send', at: at('2026-12-11T10:00:00+07:00'), deferred: ['weekly_cap'] });
    // An override never loosens the shop's cap.
    const q = plan({
      wanted: at('2026-12-07T15:00:00+07:00'),
      history: [promo('2026-12-07T10:00:00+07:00')],
      capOverride: { perDay: 5 },
    });
    expect(sendAt(q)).toBe(at('2026-12-08T08:00:00+07:00').toISOString());
  });

  it('records an expired message with its reason and the slot it would have had', () => {
    const p = plan({
      wanted: at('2026-12-07T20:30:00+07:00'),
      expiresAt: at('2026-12-07T23:59:00+07:00'),
      history: [promo('2026-12-07T09:00:00+07:00')],
    });
    expect(p).toEqual({
      kind: 'expired',
      reason: 'deferred_past_expiry',
      wouldSendAt: at('2026-12-08T08:00:00+07:00'),
      deferred: ['daily_cap', 'quiet_hours'],
    });
    const late = plan({
      wanted: at('2026-12-08T09:00:00+07:00'),
      expiresAt: at('2026-12-08T08:00:00+07:00'),
    });
    expect(late).toEqual({
      kind: 'expired',
      reason: 'expired_before_wanted',
      wouldSendAt: undefined,
      deferred: [],
    });
    const justInTime = plan({
      wanted: at('2026-12-07T22:00:00+07:00'),
      expiresAt: at('2026-12-08T08:00:00+07:00'),
    });
    expect(sendAt(justInTime)).toBe(at('2026-12-08T08:00:00+07:00').toISOString());
    const transactional = plan({
      wanted: at('2026-12-08T09:00:00+07:00'),
      promotional: false,
      expiresAt: at('2026-12-08T08:00:00+07:00'),
    });
    expect(transactional.kind).toBe('expired');
  });

  it('handles daylight saving: Berlin spring forward with quiet hours ending in the gap', () => {
    const policy = DeliveryPolicy.parse({ quietHours: { start: '21:00', end: '02:30' } });
    // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 never shows; the first free instant is 03:00.
    const p = plan({ wanted: at('2026-03-29T00:30:00+01:00'), policy, timeZone: BERLIN });
    expect(sendAt(p)).toBe(at('2026-03-29T03:00:00+02:00').toISOString());
  });

  it('handles daylight saving: the next day starts at 08:00 local after a change of offset', () => {
    const history = [promo('2026-03-28T09:00:00+01:00')];
    const p = plan({ wanted: at('2026-03-28T15:00:00+01:00'), history, timeZone: BERLIN });
    expect(sendAt(p)).toBe(at('2026-03-29T08:00:00+02:00').toISOString());
    // New York falls back on 2026-11-01 (02:00 EDT → 01:00 EST).
    const q = plan({
      wanted: at('2026-10-31T15:00:00-04:00'),
      history: [promo('2026-10-31T09:00:00-04:00')],
      timeZone: NY,
    });
    expect(sendAt(q)).toBe(at('2026-11-01T08:00:00-05:00').toISOString());
    // The 7-day window is 7 × 24 h, not 7 calendar days of wall time.
    const week = [
      promo('2026-10-29T10:00:00-04:00'),
      promo('2026-10-30T10:00:00-04:00'),
      promo('2026-10-31T10:00:00-04:00'),
    ];
    const r = plan({ wanted: at('2026-11-02T10:00:00-05:00'), history: week, timeZone: NY });
    expect(sendAt(r)).toBe(at('2026-11-05T09:00:00-05:00').toISOString());
  });

  it('throws invalid_input for an unknown zone', () => {
    expect(() => plan({ wanted: at('2026-12-07T10:00:00Z'), timeZone: 'Mars/Olympus' })).toThrow(
      NurtureError,
    );
  });

  it('explains each reason in Vietnamese and English', () => {
    expect(describeDeferReason('sms_hours', 'vi')).toContain('Nghị định 91');
    expect(describeDeferReason('daily_cap', 'en')).toContain('daily');
  });
});
