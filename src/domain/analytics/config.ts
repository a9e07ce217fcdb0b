import { z } from 'zod';
import { NurtureError } from '../../errors.js';
import { DEFAULT_LIFECYCLE_RULES, lifecycleRulesSchema } from './lifecycle.js';
import { DEFAULT_RFM_CONFIG, rfmConfigSchema } from './rfm-groups.js';
import type { ModelRules } from './rules.js';
import { DEFAULT_THRESHOLD_CONFIG, thresholdConfigSchema } from './thresholds.js';
import type { LifecycleStage, ValueGroup } from './types.js';
import { DEFAULT_VALID_ORDER_RULE, validOrderRuleSchema } from './valid-orders.js';
import { DEFAULT_VALUE_RULES, valueRulesSchema } from './value-groups.js';

/**
 * Everything the analytics can be told, with defaults. Every value that reaches SQL is validated
 * here first (statuses, event names, numbers), because rules and thresholds are compiled into SQL
 * text.
 */
export const messageRuleSchema = z.object({
  /**
   * Events that show interest and end a run of declined/ignored messages (besides a valid order).
   * Seed 001: "interested" or "added to cart" keeps the customer; a click on the product sent is
   * what tells the seller they did not ignore it. An open alone is not interest.
   */
  positiveEvents: z.array(z.string().min(1)),
  /** A sent message with no sign of interest after this many hours counts as ignored. */
  ignoredAfterHours: z.number().nonnegative(),
});
/** How message events count towards seed 001's declined/ignored run. */
export type MessageRule = z.infer<typeof messageRuleSchema>;

/** The whole analytics configuration, validated before any value reaches SQL. */
export const analyticsConfigSchema = z.object({
  validOrders: validOrderRuleSchema,
  rfm: rfmConfigSchema,
  thresholds: thresholdConfigSchema,
  lifecycle: lifecycleRulesSchema,
  valueGroups: valueRulesSchema,
  messages: messageRuleSchema,
  /** Customers in each "best customers" list (seed 002). */
  bestCustomers: z.number().int().positive(),
  /** Transitions are reported from asOf minus this many days to asOf. */
  transitionDays: z.number().int().positive(),
  /** Without from/to, the report's period is the last this-many days before asOf. */
  periodDays: z.number().int().positive(),
});

type ParsedConfig = z.infer<typeof analyticsConfigSchema>;

/** The analytics configuration (see docs/analytics.md for every setting). */
export interface AnalyticsConfig extends Omit<ParsedConfig, 'lifecycle' | 'valueGroups'> {
  lifecycle: ModelRules<LifecycleStage>;
  valueGroups: ModelRules<ValueGroup>;
}

/** The documented defaults (docs/analytics.md, section 13). */
export const DEFAULT_ANALYTICS_CONFIG: AnalyticsConfig = {
  validOrders: DEFAULT_VALID_ORDER_RULE,
  rfm: DEFAULT_RFM_CONFIG,
  thresholds: DEFAULT_THRESHOLD_CONFIG,
  lifecycle: DEFAULT_LIFECYCLE_RULES,
  valueGroups: DEFAULT_VALUE_RULES,
  messages: {
    positiveEvents: [
      'Message Clicked',
      'Product Viewed',
      'Product Added',
      'Checkout Started',
      'Order Completed',
    ],
    ignoredAfterHours: 72,
  },
  bestCustomers: 10,
  transitionDays: 90,
  periodDays: 365,
};

/** Configuration as callers give it: any section may be partial (thresholds.fit too). */
export type AnalyticsConfigInput = {
  [K in keyof AnalyticsConfig]?: K extends 'thresholds'
    ? Partial<Omit<AnalyticsConfig['thresholds'], 'fit'>> & {
        fit?: Partial<AnalyticsConfig['thresholds']['fit']>;
      }
    : AnalyticsConfig[K] extends object
      ? Partial<AnalyticsConfig[K]>
      : AnalyticsConfig[K];
};

/** Defaults overlaid with the caller's values, validated. Throws NurtureError('invalid_input'). */
export function resolveAnalyticsConfig(input: AnalyticsConfigInput = {}): AnalyticsConfig {
  const d = DEFAULT_ANALYTICS_CONFIG;
  const merged = {
    validOrders: { ...d.validOrders, ...input.validOrders },
    rfm: { ...d.rfm, ...input.rfm },
    thresholds: {
      ...d.thresholds,
      ...input.thresholds,
      fit: { ...d.thresholds.fit, ...input.thresholds?.fit },
    },
    lifecycle: { ...d.lifecycle, ...input.lifecycle },
    valueGroups: { ...d.valueGroups, ...input.valueGroups },
    messages: { ...d.messages, ...input.messages },
    bestCustomers: input.bestCustomers ?? d.bestCustomers,
    transitionDays: input.transitionDays ?? d.transitionDays,
    periodDays: input.periodDays ?? d.periodDays,
  };
  const parsed = analyticsConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), reason: i.message }));
    throw new NurtureError(
      'invalid_input',
      `invalid analytics configuration: ${details.map((x) => `${x.path}: ${x.reason}`).join('; ')}`,
      details,
    );
  }
  return parsed.data as AnalyticsConfig;
}
