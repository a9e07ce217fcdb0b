/**
 * The popups' rules that need no page (so the Node tests import them): what the server sends,
 * and whether this visitor may see a popup again.
 */

/** A popup as `GET /t/v1/popups` sends it (src/app/popups.ts, storefrontPopupSchema). */
export interface Popup {
  id: string;
  title: string;
  body: string;
  cta?: string;
  url?: string;
  show: { on: 'load' | 'exit_intent' | 'delay' | 'scroll'; delay?: number; scroll?: number };
  /** At most once per this many days; absent: once. */
  days?: number;
  /** Not shown once the visitor completed an order after `since`. */
  stop: boolean;
  since: string;
}

const DAY_MS = 86_400_000;

/** Where the widget keeps when this browser last sent `Order Completed` (runtime.ts writes it). */
export const CONVERSION_KEY = 'nurture_conv';

/**
 * Whether the visitor may see `p` at `now`: not shown before (or more than `days` days ago), and
 * not stopped by an order completed (in this browser) after the popup was queued.
 */
export function mayShow(
  p: Popup,
  shownAt: number | undefined,
  convertedAt: number | undefined,
  now: number,
): boolean {
  if (shownAt !== undefined && (!p.days || now - shownAt < p.days * DAY_MS)) return false;
  return !(p.stop && convertedAt !== undefined && convertedAt >= (Date.parse(p.since) || 0));
}

/**
 * How a popup is triggered on this device: exit intent needs a pointer that can leave the
 * window, so on phones it becomes its `delay` or `scroll` (or nothing when it has neither).
 */
export function triggerOf(
  show: Popup['show'],
  phone: boolean,
):
  | { kind: 'load' | 'exit' | 'never' }
  | { kind: 'delay'; seconds: number }
  | { kind: 'scroll'; percent: number } {
  switch (show.on) {
    case 'load':
      return { kind: 'load' };
    case 'delay':
      return { kind: 'delay', seconds: show.delay ?? 10 };
    case 'scroll':
      return { kind: 'scroll', percent: show.scroll ?? 50 };
    case 'exit_intent':
      if (!phone) return { kind: 'exit' };
      if (show.delay !== undefined) return { kind: 'delay', seconds: show.delay };
      if (show.scroll !== undefined) return { kind: 'scroll', percent: show.scroll };
      return { kind: 'never' };
  }
}
