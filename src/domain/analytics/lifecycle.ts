import { classify, type ModelRules, modelRulesSchema, when } from './rules.js';
import { type CustomerFeatures, LIFECYCLE_STAGES, type LifecycleStage, type Thresholds } from './types.js';

/**
 * Seed 000's lifecycle model: New, Standard, Churned, Premium, Loyal and Referred, plus Prospect
 * for customers who have not bought yet. Rules are checked in this order; the first that holds
 * gives the stage:
 *
 * 1. prospect — no valid order.
 * 2. churned — "left after X purchases": the last valid order is older than the active window
 *    (`activeDays`, fitted per shop). A loyal or premium customer who left is churned: the seed's
 *    win-back actions are what they need now.
 * 3. loyal — "by the RFM model": RFM group champions or loyal; or "buys and recommends": has
 *    referred at least one customer and has two or more orders.
 * 4. premium — "up-sold/cross-sold successfully, or a high-value first order": a later order larger
 *    than the first or adding a new category, or a first order at or above `highValue`.
 * 5. standard — "familiar with the shop after some conversions": two or more valid orders.
 * 6. new — otherwise: one valid order ("first purchase"), still active.
 *
 * Referred is an overlay, not a stage: a customer who came through a referral (customers.referred_by)
 * is in the Referred group and also in one of the stages above.
 */
export const lifecycleRulesSchema = modelRulesSchema(LIFECYCLE_STAGES);

const { cmp, t, flag, rfm, all, any } = when;

/** Seed 000's rules in their precedence order (see the module comment). */
export const DEFAULT_LIFECYCLE_RULES: ModelRules<LifecycleStage> = {
  rules: [
    { group: 'prospect', when: cmp('orders', '=', 0), note: 'no valid order yet' },
    {
      group: 'churned',
      when: cmp('recencyDays', '>', t('activeDays')),
      note: 'left after some purchases: silent for longer than the active window',
    },
    {
      group: 'loyal',
      when: any(rfm('champions', 'loyal'), all(cmp('referrals', '>=', 1), cmp('orders', '>=', 2))),
      note: 'RFM champions or loyal, or a repeat buyer who referred others',
    },
    {
      group: 'premium',
      when: any(flag('upsold'), cmp('firstOrderValue', '>=', t('highValue'))),
      note: 'up-/cross-sold, or a high-value first order',
    },
    { group: 'standard', when: cmp('orders', '>=', 2), note: 'repeat buyer' },
  ],
  otherwise: 'new',
};

/** A customer's place in the lifecycle model: one stage, and whether they were referred. */
export interface LifecycleClass {
  stage: LifecycleStage;
  referred: boolean;
}

/** Classifies one customer (pure; the same rules as `lifecycleCaseSql`). */
export function classifyLifecycle(
  x: CustomerFeatures,
  thresholds: Thresholds,
  rules: ModelRules<LifecycleStage> = DEFAULT_LIFECYCLE_RULES,
): LifecycleClass {
  return { stage: classify(rules, x, thresholds), referred: x.referred };
}
