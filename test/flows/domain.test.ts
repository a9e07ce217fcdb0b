import { describe, expect, it } from 'vitest';
import { type AdvanceFacts, advanceRun, type RunPosition, waitEnd } from '../../src/domain/flows/advance.js';
import { parseFlowDocument } from '../../src/domain/flows/check.js';
import { nextTimeOfDay } from '../../src/domain/flows/clock-time.js';
import { nextCronTime, parseCron } from '../../src/domain/flows/cron.js';
import { inHoldout, stableDraw } from '../../src/domain/flows/draw.js';
import { parseDuration } from '../../src/domain/flows/duration.js';
import { entryKey } from '../../src/domain/flows/entry.js';
import { planFlow } from '../../src/domain/flows/plan.js';
import { NurtureError } from '../../src/errors.js';

const VN = 'Asia/Ho_Chi_Minh';
const sms = { sms: { text: 'Chào {{ customer.first_name }}' } };

function doc(extra: Record<string, unknown> = {}) {
  return parseFlowDocument({
    name: 'paper',
    trigger: { kind: 'order', status: 'placed', skus: ['PRN-01'] },
    steps: [
      { kind: 'wait', id: 'wait-7d', duration: '7d', at: '09:00' },
      { kind: 'send', id: 'paper-sms', channels: ['sms'], content: sms },
    ],
    ...extra,
  });
}

function problems(input: unknown): { path?: string; reason: string }[] {
  try {
    parseFlowDocument(input);
  } catch (error) {
    if (error instanceof NurtureError) return [...error.details];
    throw error;
  }
  return [];
}

const start = (over: Partial<RunPosition> = {}): RunPosition => ({
  runId: 'run_1',
  customerId: 'cus_1',
  stepId: null,
  seq: 0,
  enteredAt: new Date('2027-03-01T03:00:00Z'),
  waitingEvent: null,
  waitSince: null,
  ...over,
});

const facts = (now: Date, over: Partial<AdvanceFacts> = {}): AdvanceFacts => ({
  now,
  timeZone: VN,
  eventSeen: false,
  conditionHolds: () => false,
  draw: () => 0.5,
  dates: {},
  ...over,
});

describe('flow documents', () => {
  it('parses a flow and fills the defaults', () => {
    const d = doc();
    expect(d.entry).toEqual({ policy: 'once' });
    expect(d.holdoutPercent).toBe(0);
    expect(d.exitWhen).toEqual([]);
  });

  it('names every problem by its place', () => {
    const found = problems({
      name: 'Bad Name',
      trigger: { kind: 'order', status: 'shipped' },
      steps: [{ kind: 'wait', id: 'w', duration: 'a week' }],
    });
    const paths = found.map((p) => p.path);
    expect(paths).toContain('name');
    expect(paths).toContain('trigger.status');
    expect(paths).toContain('steps.0.duration');
  });

  it('refuses duplicate step ids, steps after an exit, missing content and a bad query', () => {
    const found = problems({
      name: 'x',
      trigger: { kind: 'segment_entered', segment: 'New' },
      entry: { policy: 'every', key: 'order' },
      steps: [
        { kind: 'send', id: 'a', channels: ['zalo', 'sms'], content: sms },
        {
          kind: 'condition',
          id: 'a',
          query: 'orders >',
          yes: [
            { kind: 'exit', id: 'e' },
            { kind: 'tag', id: 't', add: ['x'] },
          ],
        },
      ],
    });
    const text = found.map((p) => `${p.path}: ${p.reason}`).join('\n');
    expect(text).toMatch(/step id "a" is used twice/);
    expect(text).toMatch(/content\.zalo: no content for the zalo channel/);
    expect(text).toMatch(/steps after an exit would never run/);
    expect(text).toMatch(/steps\.a\.query/);
    expect(text).toMatch(/entry\.key: "every order" does not fit a segment_entered trigger/);
  });

  it('checks cron expressions', () => {
    const found = problems({
      name: 'weekly',
      trigger: { kind: 'schedule', cron: '0 25 * * 1', segment: 'Loyal' },
      steps: [{ kind: 'exit', id: 'e' }],
    });
    expect(found[0]?.path).toBe('trigger.cron');
    expect(found[0]?.reason).toMatch(/hour "25"/);
  });
});

describe('durations, times of day and cron in the shop zone', () => {
  it('reads durations', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1d12h')).toBe(1.5 * 86_400_000);
    expect(parseDuration('7')).toBeUndefined();
    expect(parseDuration('0d')).toBeUndefined();
  });

  it('waits until 09:00 shop time, not UTC', () => {
    // 02:00 in Ho Chi Minh City is 19:00 UTC the day before.
    const at = nextTimeOfDay(new Date('2027-03-01T19:00:00Z'), '09:00', VN);
    expect(at.toISOString()).toBe('2027-03-02T02:00:00.000Z');
    // Past 09:00: the next day's.
    expect(nextTimeOfDay(new Date('2027-03-02T03:00:00Z'), '09:00', VN).toISOString()).toBe(
      '2027-03-03T02:00:00.000Z',
    );
  });

  it('a 7-day wait at 09:00 lands on day 7 at 09:00 whatever the hour it started', () => {
    for (const hour of ['00:30', '08:59', '23:45']) {
      const from = new Date(`2027-03-01T${hour}:00+07:00`);
      expect(waitEnd('7d', '09:00', from, VN).toISOString()).toBe('2027-03-08T02:00:00.000Z');
    }
  });

  it('keeps wall-clock times across a DST change', () => {
    // Berlin moves to summer time on 2027-03-28.
    const at = nextTimeOfDay(new Date('2027-03-27T12:00:00Z'), '09:00', 'Europe/Berlin');
    expect(at.toISOString()).toBe('2027-03-28T07:00:00.000Z');
  });

  it('finds the next cron time in the shop zone', () => {
    const cron = parseCron('0 9 * * 1');
    if (typeof cron === 'string') throw new Error(cron);
    // 2027-03-01 is a Monday.
    const next = nextCronTime(cron, new Date('2027-03-01T03:00:00Z'), VN);
    expect(next?.toISOString()).toBe('2027-03-08T02:00:00.000Z');
    const both = parseCron('30 8 1 * 5');
    if (typeof both === 'string') throw new Error(both);
    // Day 1 of the month OR a Friday (Vixie cron).
    expect(nextCronTime(both, new Date('2027-03-01T03:00:00Z'), VN)?.toISOString()).toBe(
      '2027-03-05T01:30:00.000Z',
    );
    expect(parseCron('* * *')).toMatch(/5 fields/);
  });
});

describe('entry keys', () => {
  const o = { customerId: 'cus_1', at: new Date('2027-12-31T20:00:00Z'), id: 'evt_9', orderId: 'ord_5' };
  it('one key per policy', () => {
    expect(entryKey({ policy: 'once' }, o, VN)).toBe('cus_1');
    expect(entryKey({ policy: 'every', key: 'order' }, o, VN)).toBe('cus_1:order:ord_5');
    expect(entryKey({ policy: 'every', key: 'occurrence' }, o, VN)).toBe('cus_1:evt_9');
    // 20:00 UTC on 31 Dec is already 2028 in Vietnam.
    expect(entryKey({ policy: 'every', key: 'year' }, o, VN)).toBe('cus_1:2028');
  });
});

describe('random splits and the holdout', () => {
  it('draws the same number for the same key and spreads keys evenly', () => {
    expect(stableDraw('run_a:split')).toBe(stableDraw('run_a:split'));
    const n = 20_000;
    let held = 0;
    for (let i = 0; i < n; i++) if (inHoldout(`run_${i.toString(36)}x${(i * 7919).toString(36)}`, 10)) held++;
    // 10 % ± 4 standard deviations.
    const sd = Math.sqrt(n * 0.1 * 0.9);
    expect(Math.abs(held - n * 0.1)).toBeLessThan(4 * sd);
    expect(inHoldout('run_x', 0)).toBe(false);
  });
});

describe('advancing a run', () => {
  it('waits, then sends, then ends', () => {
    const plan = planFlow(doc().steps);
    const t0 = new Date('2027-03-01T03:00:00Z');
    const first = advanceRun(plan, start({ stepId: plan.first }), facts(t0));
    expect(first.wakeAt?.toISOString()).toBe('2027-03-08T02:00:00.000Z');
    expect(first.position.stepId).toBe('paper-sms');
    expect(first.journal).toEqual([
      { seq: 0, stepId: 'wait-7d', outcome: 'waiting', detail: '2027-03-08T02:00:00.000Z', at: t0 },
    ]);
    const second = advanceRun(plan, first.position, facts(first.wakeAt!));
    expect(second.effects.map((e) => e.step.id)).toEqual(['paper-sms']);
    expect(second.ended).toBe('completed');
    expect(second.journal.map((j) => j.seq)).toEqual([1]);
  });

  it('stops before its next step when an exit condition holds', () => {
    const plan = planFlow(doc().steps);
    const r = advanceRun(
      plan,
      start({ stepId: 'paper-sms', seq: 1 }),
      facts(new Date(), { exitReason: 'placed an order' }),
    );
    expect(r.effects).toEqual([]);
    expect(r.ended).toBe('placed an order');
    expect(r.journal[0]?.outcome).toBe('exit');
  });

  it('waits for an event: onEvent when it comes, onTimeout at the timeout', () => {
    const d = parseFlowDocument({
      name: 'cart',
      trigger: { kind: 'event', event: 'Checkout Started' },
      steps: [
        {
          kind: 'wait_for_event',
          id: 'paid',
          event: 'Order Completed',
          timeout: '1h',
          onEvent: [{ kind: 'tag', id: 'bought', add: ['converted'] }],
          onTimeout: [{ kind: 'send', id: 'remind', channels: ['sms'], content: sms }],
        },
        { kind: 'tag', id: 'after', add: ['seen'] },
      ],
    });
    const plan = planFlow(d.steps);
    const t0 = new Date('2027-03-01T03:00:00Z');
    const waiting = advanceRun(plan, start({ stepId: plan.first }), facts(t0));
    expect(waiting.wakeAt?.toISOString()).toBe('2027-03-01T04:00:00.000Z');
    expect(waiting.journal).toEqual([]);
    const seen = advanceRun(
      plan,
      waiting.position,
      facts(new Date('2027-03-01T03:20:00Z'), { eventSeen: true }),
    );
    expect(seen.journal.map((j) => j.outcome)).toEqual(['branch:onEvent', 'done', 'done']);
    expect(seen.effects.map((e) => e.step.id)).toEqual(['bought', 'after']);
    const timedOut = advanceRun(plan, waiting.position, facts(new Date('2027-03-01T04:00:00Z')));
    expect(timedOut.effects.map((e) => e.step.id)).toEqual(['remind', 'after']);
  });

  it('splits by weight with the run fixed draw', () => {
    const d = parseFlowDocument({
      name: 'ab',
      trigger: { kind: 'segment_entered', segment: 'New' },
      steps: [
        {
          kind: 'split',
          id: 'ab',
          branches: [
            { name: 'a', weight: 3, steps: [{ kind: 'tag', id: 'ta', add: ['a'] }] },
            { name: 'b', weight: 1, steps: [{ kind: 'tag', id: 'tb', add: ['b'] }] },
          ],
        },
      ],
    });
    const plan = planFlow(d.steps);
    const pick = (draw: number) =>
      advanceRun(plan, start({ stepId: plan.first }), facts(new Date(), { draw: () => draw })).effects[0]
        ?.step.id;
    expect(pick(0.74)).toBe('ta');
    expect(pick(0.76)).toBe('tb');
  });
});
