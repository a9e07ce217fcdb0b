import { assertNever } from '../../errors.js';
import { classify, type ModelRules, modelRulesSchema, when } from './rules.js';
import {
  type CustomerFeatures,
  type Thresholds,
  VALUE_GROUPS,
  type ValueGroup,
  type ValueParentGroup,
} from './types.js';

/**
 * Seed 001's (GapOne) groups of past customers by order value, purchase frequency and activity.
 * Three notions, fitted to the shop unless configured (see thresholds.ts):
 *
 * - active: last valid order at most `activeDays` ago;
 * - high value: AOV at or above `highValue`;
 * - frequent: an average gap between orders at or below `frequentGapDays` (needs two orders).
 *
 * Rules, first match wins:
 *
 * 1. ignore — no valid order ("registered but never bought").
 * 2. ignore — inactive and declined or ignored `declineLimit` marketing messages in a row (the
 *    seed's "many declines → Ignore"). Only inactive customers: someone who is buying is not
 *    ignoring the shop, their message fatigue is a frequency-cap matter.
 * 3-6. Focus (active), by sub-group: high value and frequent; frequent; high value (infrequent);
 *    low value. A frequent low-value buyer is "frequent" (the seed's third bullet); "low value"
 *    is the rest.
 * 7. ignore — one valid order and inactive for more than `ignoreAfterDays` (365): "after a year
 *    they have probably forgotten the brand".
 * 8. win_back — inactive, and used to buy often or for a lot (high value or frequent).
 * 9. needs_attention — otherwise: inactive, low frequency and low value. The seed describes this
 *    group as buyers of more than one order; a one-time buyer who is inactive but within the year
 *    lands here too (or in win_back when the order was high value), which is where the seed's
 *    "nurture and watch their reactions" fits them.
 */
export const valueRulesSchema = modelRulesSchema(VALUE_GROUPS);

const { cmp, t, all, any, not } = when;

const active = cmp('recencyDays', '<=', t('activeDays'));
const highValue = cmp('aov', '>=', t('highValue'));
const frequent = cmp('avgGapDays', '<=', t('frequentGapDays'));

/** Seed 001's rules in their precedence order (see the module comment). */
export const DEFAULT_VALUE_RULES: ModelRules<ValueGroup> = {
  rules: [
    { group: 'ignore', when: cmp('orders', '=', 0), note: 'registered but never bought' },
    {
      group: 'ignore',
      when: all(not(active), cmp('declineStreak', '>=', t('declineLimit'))),
      note: 'declined or ignored N marketing messages in a row',
    },
    {
      group: 'focus_high_value_frequent',
      when: all(active, highValue, frequent),
      note: 'active, high value, frequent',
    },
    { group: 'focus_frequent', when: all(active, frequent), note: 'active and frequent' },
    {
      group: 'focus_high_value_infrequent',
      when: all(active, highValue),
      note: 'active, high value, infrequent',
    },
    { group: 'focus_low_value', when: active, note: 'active, low value' },
    {
      group: 'ignore',
      when: all(cmp('orders', '=', 1), cmp('recencyDays', '>', t('ignoreAfterDays'))),
      note: 'one purchase, inactive for over a year',
    },
    { group: 'win_back', when: any(highValue, frequent), note: 'used to buy often or for a lot' },
  ],
  otherwise: 'needs_attention',
};

/** Classifies one customer (pure; the same rules as `valueGroupCaseSql`). */
export function classifyValueGroup(
  x: CustomerFeatures,
  thresholds: Thresholds,
  rules: ModelRules<ValueGroup> = DEFAULT_VALUE_RULES,
): ValueGroup {
  return classify(rules, x, thresholds);
}

/** The seed's four Focus sub-groups belong to Focus; the other groups stand alone. */
export function valueParentOf(group: ValueGroup): ValueParentGroup | null {
  switch (group) {
    case 'focus_low_value':
    case 'focus_high_value_infrequent':
    case 'focus_frequent':
    case 'focus_high_value_frequent':
      return 'focus';
    case 'ignore':
    case 'needs_attention':
    case 'win_back':
      return null;
    default:
      return assertNever(group, 'value group');
  }
}
