/**
 * Tiers: which one a customer's qualifying value (valid spend or approved points over the
 * window) reaches, how the downgrade policy holds a customer who fell below, and how far the
 * next tier is. Pure; the app layer reads the values and stores the outcome.
 */
import { assertNever } from '../../errors.js';
import { addDays, localDay } from '../analytics/calendar.js';
import type { Tier, Tiers } from './program.js';

/** The first day (shop time, YYYY-MM-DD) of the window a tier is earned over, as of `today`. */
export function windowStart(tiers: Pick<Tiers, 'window'>, today: string): string {
  switch (tiers.window) {
    case 'rolling_12_months':
      return addDays(today, -365);
    case 'calendar_year':
      return `${today.slice(0, 4)}-01-01`;
    default:
      return assertNever(tiers.window, 'tier window');
  }
}

/** The highest tier whose threshold `value` reaches (the first tier always). */
export function tierFor(tiers: Pick<Tiers, 'levels'>, value: number): Tier {
  let found = tiers.levels[0]!;
  for (const t of tiers.levels) if (value + 1e-9 >= t.threshold) found = t;
  return found;
}

export interface MemberTier {
  tierId: string;
  since: Date;
  belowSince: Date | null;
}

export interface TierDecision {
  member: MemberTier;
  change: { from: string; to: string; direction: 'up' | 'down' } | null;
}

const index = (tiers: Tiers, id: string) => tiers.levels.findIndex((t) => t.id === id);

/**
 * A customer's tier now. Up at once; down as the policy says: never, at the end of the calendar
 * year in which the customer fell below (shop time), or after `days` below. A tier that is no
 * longer in the programme counts as the first one.
 */
export function decideTier(
  tiers: Tiers,
  value: number,
  current: MemberTier | null,
  now: Date,
  timeZone: string,
): TierDecision {
  const target = tierFor(tiers, value);
  const first = tiers.levels[0]!;
  if (!current) {
    const member = { tierId: target.id, since: now, belowSince: null };
    return {
      member,
      change: target.id === first.id ? null : { from: first.id, to: target.id, direction: 'up' },
    };
  }
  const at = Math.max(0, index(tiers, current.tierId));
  const to = index(tiers, target.id);
  const fromId = tiers.levels[at]!.id;
  if (to > at)
    return {
      member: { tierId: target.id, since: now, belowSince: null },
      change: { from: fromId, to: target.id, direction: 'up' },
    };
  if (to === at) return { member: { tierId: fromId, since: current.since, belowSince: null }, change: null };
  const belowSince = current.belowSince ?? now;
  const stay = { member: { tierId: fromId, since: current.since, belowSince }, change: null };
  const down = {
    member: { tierId: target.id, since: now, belowSince: null },
    change: { from: fromId, to: target.id, direction: 'down' as const },
  };
  const policy = tiers.downgrade;
  switch (policy.kind) {
    case 'never':
      return { member: { tierId: fromId, since: current.since, belowSince: null }, change: null };
    case 'period_end':
      return localDay(now, timeZone).slice(0, 4) > localDay(belowSince, timeZone).slice(0, 4) ? down : stay;
    case 'after_days':
      return now.getTime() - belowSince.getTime() >= policy.days * 86_400_000 ? down : stay;
    default:
      return assertNever(policy, 'downgrade policy');
  }
}

/** How far the next tier is: its id and the qualifying value still missing (none at the top). */
export function nextTier(
  tiers: Tiers,
  tierId: string,
  value: number,
): { tier: Tier; missing: number } | null {
  const next = tiers.levels[index(tiers, tierId) + 1];
  return next ? { tier: next, missing: Math.max(0, next.threshold - value) } : null;
}
