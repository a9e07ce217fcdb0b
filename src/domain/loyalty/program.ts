/**
 * The loyalty programme (docs/loyalty.md): earning rules, multipliers, tiers, rewards and
 * settings, one document per version. A new version never rewrites past ledger entries: each
 * entry keeps the rule, the programme version and the rate it was earned at. One zod schema is the
 * TS type, the validation of `nurture loyalty program set FILE` and the API's wire type.
 */
import { z } from 'zod';
import type { Localized } from '../analytics/types.js';

const text = z.string().trim().min(1).max(200);
/** A name or a perk in both languages. */
export const localizedSchema = z.object({ vi: text, en: text }).strict();
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _ (at most 40), e.g. second-order');
const points = z.number().int().min(1).max(1_000_000_000);
const amount = z.number().positive().max(1e15);
/** A day in the shop's time zone, YYYY-MM-DD. */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

const ruleBase = { id, name: localizedSchema };

/** How points are earned. Every rule has an id (kept on its ledger entries) and vi/en names. */
export const ruleSchema = z.discriminatedUnion('kind', [
  /** `points` per `per` of the order's valid revenue (shipping excluded unless `includeShipping`). */
  z
    .object({
      kind: z.literal('per_amount'),
      ...ruleBase,
      per: amount,
      points,
      includeShipping: z.boolean().default(false),
    })
    .strict(),
  /** Once, when the customer creates an account (event `Signed Up`). */
  z.object({ kind: z.literal('signed_up'), ...ruleBase, points }).strict(),
  /** Once, when the customer's second valid order counts. */
  z.object({ kind: z.literal('second_order'), ...ruleBase, points }).strict(),
  /** Once, when the customer's valid spend reaches `threshold`. */
  z.object({ kind: z.literal('spend_threshold'), ...ruleBase, threshold: amount, points }).strict(),
  /** Once a year, on the customer's `birthday` attribute (YYYY-MM-DD or MM-DD). */
  z.object({ kind: z.literal('birthday'), ...ruleBase, points }).strict(),
  /** A review or rating: `Product Reviewed`, or `Survey Answered` with properties.kind = rating. */
  z.object({ kind: z.literal('review'), ...ruleBase, points }).strict(),
  /** An NPS answer: `Survey Answered` with properties.kind = nps. */
  z.object({ kind: z.literal('nps'), ...ruleBase, points }).strict(),
  /** A referred friend converted: `Referral Converted` (the customer is the referrer). */
  z.object({ kind: z.literal('referral'), ...ruleBase, points }).strict(),
  /** Any other event by name; `once`: only the customer's first. */
  z
    .object({
      kind: z.literal('custom_event'),
      ...ruleBase,
      event: text,
      points,
      once: z.boolean().default(false),
    })
    .strict(),
]);
export type Rule = z.infer<typeof ruleSchema>;
export type RuleKind = Rule['kind'];

/** Multiplies what rules earn for customers of a tier, or during a period (both: both must hold). */
export const multiplierSchema = z
  .object({
    factor: z.number().positive().max(100),
    tier: id.optional(),
    from: day.optional(),
    to: day.optional(),
    /** Only these rules; none: every rule. */
    rules: z.array(id).optional(),
  })
  .strict();
export type Multiplier = z.infer<typeof multiplierSchema>;

export const tierSchema = z
  .object({
    id,
    name: localizedSchema,
    /** The qualifying value (valid spend, or points approved) from which the tier holds. */
    threshold: z.number().min(0).max(1e15),
    /** Points given once, the first time the customer reaches the tier. */
    entryPoints: z.number().int().min(0).default(0),
    perks: z.array(localizedSchema).default([]),
  })
  .strict();
export type Tier = z.infer<typeof tierSchema>;

export const downgradeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }).strict(),
  /** At the end of the calendar year in which the customer fell below. */
  z.object({ kind: z.literal('period_end') }).strict(),
  /** Once the customer has stayed below for `days`. */
  z.object({ kind: z.literal('after_days'), days: z.number().int().min(1).max(3650) }).strict(),
]);
export type Downgrade = z.infer<typeof downgradeSchema>;

export const tiersSchema = z
  .object({
    basis: z.enum(['spend', 'points']),
    window: z.enum(['rolling_12_months', 'calendar_year']),
    downgrade: downgradeSchema,
    levels: z.array(tierSchema).min(1).max(20),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.levels[0]?.threshold !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['levels', 0, 'threshold'],
        message: 'the first tier starts at 0',
      });
    for (let i = 1; i < t.levels.length; i++)
      if (t.levels[i]!.threshold <= t.levels[i - 1]!.threshold)
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'threshold'],
          message: 'thresholds must increase from one tier to the next',
        });
  });
export type Tiers = z.infer<typeof tiersSchema>;

const rewardBase = {
  id,
  name: localizedSchema,
  /** Points the reward costs. */
  cost: points,
  /** How long the coupon it gives is valid (coupon rewards). */
  validDays: z.number().int().min(1).max(3650).default(30),
};

export const rewardSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('coupon_amount'), ...rewardBase, value: amount, minOrder: amount.optional() })
    .strict(),
  z
    .object({
      kind: z.literal('coupon_percent'),
      ...rewardBase,
      value: z.number().int().min(1).max(100),
      minOrder: amount.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('free_shipping'), ...rewardBase, minOrder: amount.optional() }).strict(),
  /** A gift the staff hands over (a staff task is created). */
  z.object({ kind: z.literal('gift'), ...rewardBase }).strict(),
]);
export type Reward = z.infer<typeof rewardSchema>;

export const loyaltySettingsSchema = z
  .object({
    /** When an order's points are approved: on delivery (cash on delivery) or once it is paid. */
    approveOn: z.enum(['delivered', 'paid']).default('delivered'),
    /** Points expire after this many days without earning or redeeming; 0: never. */
    expiryDays: z.number().int().min(0).max(3650).default(365),
    /** The `Points Expiring` reminder goes this many days before. */
    reminderDays: z.number().int().min(0).max(365).default(30),
  })
  .strict();
export type LoyaltySettings = z.infer<typeof loyaltySettingsSchema>;

export const programSchema = z
  .object({
    enabled: z.boolean(),
    rules: z.array(ruleSchema).max(100),
    multipliers: z.array(multiplierSchema).max(50).default([]),
    tiers: tiersSchema,
    rewards: z.array(rewardSchema).max(100),
    settings: loyaltySettingsSchema.default({ approveOn: 'delivered', expiryDays: 365, reminderDays: 30 }),
  })
  .strict()
  .superRefine((p, ctx) => {
    const unique = (ids: string[], path: string) => {
      const seen = new Set<string>();
      ids.forEach((v, i) => {
        if (seen.has(v))
          ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id "${v}"` });
        seen.add(v);
      });
    };
    unique(
      p.rules.map((r) => r.id),
      'rules',
    );
    unique(
      p.rewards.map((r) => r.id),
      'rewards',
    );
    unique(
      p.tiers.levels.map((t) => t.id),
      'tiers',
    );
    const tiers = new Set(p.tiers.levels.map((t) => t.id));
    const rules = new Set(p.rules.map((r) => r.id));
    p.multipliers.forEach((m, i) => {
      if (m.tier !== undefined && !tiers.has(m.tier))
        ctx.addIssue({ code: 'custom', path: ['multipliers', i, 'tier'], message: `no tier "${m.tier}"` });
      for (const r of m.rules ?? [])
        if (!rules.has(r))
          ctx.addIssue({ code: 'custom', path: ['multipliers', i, 'rules'], message: `no rule "${r}"` });
    });
    if (p.settings.expiryDays > 0 && p.settings.reminderDays >= p.settings.expiryDays)
      ctx.addIssue({
        code: 'custom',
        path: ['settings', 'reminderDays'],
        message: 'the reminder must come before the expiry',
      });
  });
export type Program = z.infer<typeof programSchema>;
export type ProgramInput = z.input<typeof programSchema>;

const L = (vi: string, en: string): Localized => ({ vi, en });

/**
 * The programme a shop starts from (off until the seller turns it on): the seeds' examples (seed
 * 002: points for creating an account, a reward on the second order and past a spend threshold,
 * automatic rewards for actions), Thành viên / Bạc / Vàng / Kim cương on the valid spend of a
 * rolling 12 months, and a small catalogue.
 */
export const DEFAULT_PROGRAM: Program = programSchema.parse({
  enabled: false,
  rules: [
    {
      kind: 'per_amount',
      id: 'spend',
      name: L('1 điểm cho mỗi 10.000 ₫', '1 point per 10,000 ₫'),
      per: 10_000,
      points: 1,
    },
    { kind: 'signed_up', id: 'signup', name: L('Tạo tài khoản', 'Account created'), points: 50 },
    { kind: 'second_order', id: 'second-order', name: L('Đơn hàng thứ hai', 'Second order'), points: 100 },
    {
      kind: 'spend_threshold',
      id: 'spend-5m',
      name: L('Chi tiêu đạt 5.000.000 ₫', 'Spend reached 5,000,000 ₫'),
      threshold: 5_000_000,
      points: 200,
    },
    { kind: 'birthday', id: 'birthday', name: L('Sinh nhật', 'Birthday'), points: 100 },
    { kind: 'review', id: 'review', name: L('Đánh giá sản phẩm', 'Review or rating'), points: 20 },
    { kind: 'nps', id: 'nps', name: L('Trả lời khảo sát NPS', 'NPS answer'), points: 10 },
    {
      kind: 'referral',
      id: 'referral',
      name: L('Giới thiệu bạn bè thành công', 'Referral converted'),
      points: 200,
    },
  ],
  multipliers: [{ tier: 'diamond', factor: 2, rules: ['spend'] }],
  tiers: {
    basis: 'spend',
    window: 'rolling_12_months',
    downgrade: { kind: 'period_end' },
    levels: [
      { id: 'member', name: L('Thành viên', 'Member'), threshold: 0 },
      {
        id: 'silver',
        name: L('Bạc', 'Silver'),
        threshold: 3_000_000,
        entryPoints: 50,
        perks: [L('Miễn phí vận chuyển đơn từ 300.000 ₫', 'Free shipping from 300,000 ₫')],
      },
      {
        id: 'gold',
        name: L('Vàng', 'Gold'),
        threshold: 10_000_000,
        entryPoints: 150,
        perks: [L('Quà sinh nhật', 'A birthday gift'), L('Ưu tiên hỗ trợ', 'Priority support')],
      },
      {
        id: 'diamond',
        name: L('Kim cương', 'Diamond'),
        threshold: 30_000_000,
        entryPoints: 500,
        perks: [
          L('Nhân đôi điểm mua hàng', 'Double points on purchases'),
          L('Quà bất ngờ và thiệp viết tay', 'Surprise gifts and handwritten notes'),
        ],
      },
    ],
  },
  rewards: [
    {
      kind: 'coupon_amount',
      id: 'voucher-50k',
      name: L('Mã giảm 50.000 ₫', '50,000 ₫ off'),
      cost: 500,
      value: 50_000,
      minOrder: 200_000,
    },
    { kind: 'coupon_percent', id: 'percent-10', name: L('Mã giảm 10%', '10% off'), cost: 800, value: 10 },
    { kind: 'free_shipping', id: 'free-ship', name: L('Miễn phí vận chuyển', 'Free shipping'), cost: 300 },
    { kind: 'gift', id: 'gift', name: L('Quà tặng từ shop', 'A gift from the shop'), cost: 2000 },
  ],
  settings: { approveOn: 'delivered', expiryDays: 365, reminderDays: 30 },
});

/** The multiplier of a rule for a customer in `tierId` on local day `day` (YYYY-MM-DD): the product of those that hold. */
export function multiplierFor(program: Program, ruleId: string, tierId: string | null, day: string): number {
  let factor = 1;
  for (const m of program.multipliers) {
    if (m.rules && !m.rules.includes(ruleId)) continue;
    if (m.tier !== undefined && m.tier !== tierId) continue;
    if (m.from !== undefined && day < m.from) continue;
    if (m.to !== undefined && day > m.to) continue;
    factor *= m.factor;
  }
  return factor;
}
