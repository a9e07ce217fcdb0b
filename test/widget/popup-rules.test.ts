/** The popups' rules that need no page: frequency, the conversion stop, and triggers per device. */
import { describe, expect, it } from 'vitest';
import { mayShow, type Popup, triggerOf } from '../../widget/src/popup-rules.js';

const DAY = 86_400_000;
const since = '2027-03-01T03:00:00.000Z';
const at = Date.parse(since);
const popup = (over: Partial<Popup> = {}): Popup => ({
  id: 'msg_1',
  title: 'Chào',
  body: 'Giảm 10%',
  show: { on: 'load' },
  stop: true,
  since,
  ...over,
});

describe('popup frequency and conversion', () => {
  it('shows a popup without days once, ever', () => {
    expect(mayShow(popup(), undefined, undefined, at)).toBe(true);
    expect(mayShow(popup(), at, undefined, at + 365 * DAY)).toBe(false);
  });

  it('shows a popup with days again only once that many days have passed', () => {
    const p = popup({ days: 7 });
    expect(mayShow(p, at, undefined, at + 7 * DAY - 1)).toBe(false);
    expect(mayShow(p, at, undefined, at + 7 * DAY)).toBe(true);
  });

  it('stops after an order completed since the popup was queued, unless told not to', () => {
    expect(mayShow(popup(), undefined, at + 1, at + 2)).toBe(false);
    // An order before the popup was queued (a post-purchase popup) does not stop it.
    expect(mayShow(popup(), undefined, at - 1, at + 2)).toBe(true);
    expect(mayShow(popup({ stop: false }), undefined, at + 1, at + 2)).toBe(true);
  });
});

describe('popup triggers', () => {
  it('turns exit intent on phones into its delay or scroll, or nothing', () => {
    expect(triggerOf({ on: 'exit_intent', delay: 8 }, false)).toEqual({ kind: 'exit' });
    expect(triggerOf({ on: 'exit_intent', delay: 8 }, true)).toEqual({ kind: 'delay', seconds: 8 });
    expect(triggerOf({ on: 'exit_intent', scroll: 40 }, true)).toEqual({ kind: 'scroll', percent: 40 });
    expect(triggerOf({ on: 'exit_intent' }, true)).toEqual({ kind: 'never' });
  });

  it('gives delay and scroll their defaults', () => {
    expect(triggerOf({ on: 'delay' }, true)).toEqual({ kind: 'delay', seconds: 10 });
    expect(triggerOf({ on: 'scroll' }, false)).toEqual({ kind: 'scroll', percent: 50 });
    expect(triggerOf({ on: 'load' }, true)).toEqual({ kind: 'load' });
  });
});
