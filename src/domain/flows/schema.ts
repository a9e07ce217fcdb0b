import { z } from 'zod';
import { CHANNEL_KINDS } from '../../channels/channel.js';
import { durationSchema, timeOfDaySchema } from './duration.js';

/**
 * A flow document: what starts a run (the trigger), who may enter again (the entry policy), when a
 * run stops early (exit conditions), and the steps. Written as YAML or JSON, the same through the
 * CLI, the API and the dashboard; every save of a live flow is a new version.
 *
 * Steps are a tree: a step that branches holds its branches' step lists, so the document reads
 * top to bottom as the customer goes through it. Every step has an `id` unique in the flow: the
 * journal, the statistics and a run's position refer to it, and a new version keeps the ids of
 * the steps it keeps.
 */

const stepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a step id: lowercase letters, digits, - and _ (like send-sms)');

/** A numeric range a property must fall in, bounds included: `{ min: 0, max: 6 }` (an NPS detractor). */
const propertyRange = z
  .object({ min: z.number().optional(), max: z.number().optional() })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, 'a range needs min, max or both');

/** One property filter: equal (compared as text), or a numeric range. */
export type PropertyFilterValue =
  | string
  | number
  | boolean
  | { min?: number | undefined; max?: number | undefined };

/** Event property filters: `{ sku: "PAPER-A4" }` (equal, as text), `{ score: { min: 9 } }` (a range). */
const propertyFilter = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), propertyRange]));

const eventName = z.string().trim().min(1).max(100);

export const triggerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('segment_entered'), segment: z.string().min(1) }),
  z.object({ kind: z.literal('segment_exited'), segment: z.string().min(1) }),
  z.object({
    kind: z.literal('event'),
    event: eventName,
    where: propertyFilter.optional(),
    /** Enter only if this event does not follow within the window (Checkout Started, no Order Completed in 1 h). */
    unless: z.object({ event: eventName, within: durationSchema }).strict().optional(),
  }),
  z.object({
    kind: z.literal('order'),
    /** placed: a new order; delivered, failed_delivery, refunded, cancelled, returned: its status became that. */
    status: z.enum(['placed', 'paid', 'delivered', 'failed_delivery', 'refunded', 'cancelled', 'returned']),
    /** Only orders with a line of one of these SKUs or categories. */
    skus: z.array(z.string().min(1)).optional(),
    categories: z.array(z.string().min(1)).optional(),
  }),
  z.object({
    kind: z.literal('date'),
    /** birthday: the customer's `birthday` attribute (YYYY-MM-DD or MM-DD); first_order: its anniversary; next_order: the expected next order date. */
    property: z.enum(['birthday', 'first_order_anniversary', 'expected_next_order']),
    /** Days before (negative) or after the date. */
    offsetDays: z.number().int().min(-365).max(365).default(0),
    /** When on that day, shop time. */
    at: timeOfDaySchema.default('09:00'),
    segment: z.string().min(1).optional(),
  }),
  z.object({
    kind: z.literal('broadcast'),
    segment: z.string().min(1),
    /** ISO 8601; without an offset, shop time. */
    at: z.string().min(10),
  }),
  z.object({
    kind: z.literal('schedule'),
    /** Five-field cron in the shop's time zone (minute hour day-of-month month day-of-week). */
    cron: z.string().min(9),
    segment: z.string().min(1),
  }),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const entrySchema = z.discriminatedUnion('policy', [
  /** Once per customer, ever. */
  z.object({ policy: z.literal('once') }),
  /** Again only when the previous run entered at least `days` ago. */
  z.object({ policy: z.literal('once_per'), days: z.number().int().min(1).max(3650) }),
  /** Every time under a key: per order (order triggers), per year (dates), per occurrence (events, schedules). */
  z.object({ policy: z.literal('every'), key: z.enum(['order', 'year', 'occurrence']) }),
]);
export type EntryPolicy = z.infer<typeof entrySchema>;

export const exitConditionSchema = z.discriminatedUnion('kind', [
  /** A valid order placed since the run entered (the goal reached: stop the reminders). */
  z.object({ kind: z.literal('placed_order') }),
  /** The customer performed this event since entering. */
  z.object({ kind: z.literal('performed'), event: eventName }),
  /** The customer left this segment (checked at each step). */
  z.object({ kind: z.literal('left_segment'), segment: z.string().min(1) }),
  /** A segment query holds for the customer at that moment. */
  z.object({ kind: z.literal('matches'), query: z.string().min(1) }),
]);
export type ExitCondition = z.infer<typeof exitConditionSchema>;

const channelKind = z.enum(CHANNEL_KINDS);

const couponSpec = z
  .object({
    kind: z.enum(['fixed_amount', 'percent', 'free_shipping']),
    value: z.number().nonnegative().default(0),
    minOrder: z.number().nonnegative().optional(),
    validFor: durationSchema,
  })
  .strict();

/** Steps that do not branch. */
const leafSteps = [
  z
    .object({
      kind: z.literal('wait'),
      id: stepId,
      duration: durationSchema,
      /**
       * Land at this time of day (shop time) on the calendar day the duration ends: `7d` at
       * `09:00` is day 7 at 09:00, whatever the hour the run started (seed 003's printer paper).
       */
      at: timeOfDaySchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('wait_until_time'),
      id: stepId,
      /** The next time the clock shows this, in the customer's time zone when known, else the shop's. */
      time: timeOfDaySchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('wait_until_date'),
      id: stepId,
      /**
       * birthday; expected_next_order (the CLV model's); reorder_due: when the customer will buy
       * again what the run's order brought: the seller's cycle, else the learned one (the customer's
       * rhythm), else the catalogue's (src/app/flows/reorder.ts), the soonest of its lines.
       */
      property: z.enum(['birthday', 'expected_next_order', 'reorder_due']),
      offsetDays: z.number().int().min(-365).max(365).default(0),
      at: timeOfDaySchema.default('09:00'),
      /** Without the date (no birthday, no reorder cycle), wait this long instead of going on at once. */
      otherwise: durationSchema.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('send'),
      id: stepId,
      /** One channel, or an ordered preference: the next is tried when one cannot reach the customer. */
      channels: z.array(channelKind).min(1),
      /** Promotional messages count against the cap and keep quiet hours; transactional ones bypass both. */
      promotional: z.boolean().default(true),
      /** A message not sent within this time after the step is recorded as expired (a 24 h voucher). */
      expiresAfter: durationSchema.optional(),
      /** Content per channel (see docs/messages.md): Liquid texts, vi and en. */
      content: z.partialRecord(channelKind, z.unknown()),
    })
    .strict(),
  z.object({ kind: z.literal('coupon'), id: stepId, coupon: couponSpec }).strict(),
  z
    .object({
      kind: z.literal('tag'),
      id: stepId,
      add: z.array(z.string().min(1)).default([]),
      remove: z.array(z.string().min(1)).default([]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('set_attribute'),
      id: stepId,
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'an attribute name'),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .strict(),
  z
    .object({
      kind: z.literal('task'),
      id: stepId,
      title: z.string().min(1).max(300),
      note: z.string().max(4000).optional(),
      dueIn: durationSchema.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('exit'), id: stepId }).strict(),
] as const;

export type LeafStep = z.infer<(typeof leafSteps)[number]>;

/** A step: a leaf, or a branching step holding its branches' steps. */
export type Step =
  | LeafStep
  | {
      kind: 'wait_for_event';
      id: string;
      event: string;
      where?: Record<string, PropertyFilterValue> | undefined;
      timeout: string;
      /** The event came within the timeout. */
      onEvent: Step[];
      /** It did not. */
      onTimeout: Step[];
    }
  | { kind: 'condition'; id: string; query: string; yes: Step[]; no: Step[] }
  | { kind: 'split'; id: string; branches: { name: string; weight: number; steps: Step[] }[] };

export const stepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    ...leafSteps,
    z
      .object({
        kind: z.literal('wait_for_event'),
        id: stepId,
        event: eventName,
        where: propertyFilter.optional(),
        timeout: durationSchema,
        onEvent: z.array(stepSchema).default([]),
        onTimeout: z.array(stepSchema).default([]),
      })
      .strict(),
    z
      .object({
        kind: z.literal('condition'),
        id: stepId,
        query: z.string().min(1),
        yes: z.array(stepSchema).default([]),
        no: z.array(stepSchema).default([]),
      })
      .strict(),
    z
      .object({
        kind: z.literal('split'),
        id: stepId,
        branches: z
          .array(
            z
              .object({
                name: z.string().min(1).max(60),
                weight: z.number().positive(),
                steps: z.array(stepSchema).default([]),
              })
              .strict(),
          )
          .min(2),
      })
      .strict(),
  ]),
) as z.ZodType<Step>;

/** Localised names: `{ vi, en }`, or one text for both. */
const localizedText = z.union([
  z.string().min(1).max(200),
  z.object({ vi: z.string().min(1).max(200), en: z.string().min(1).max(200) }).strict(),
]);

export const flowDocumentSchema = z
  .object({
    /** The flow's handle: lowercase, unique in the shop (`replenishment`, `winback-2027`). */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a flow name: lowercase letters, digits and - (like winback)'),
    title: localizedText.optional(),
    description: z.string().max(2000).optional(),
    trigger: triggerSchema,
    entry: entrySchema.default({ policy: 'once' }),
    exitWhen: z.array(exitConditionSchema).default([]),
    /** Share of entries (0–50 %) kept as a control group that gets nothing, so the flow's lift can be measured. */
    holdoutPercent: z.number().min(0).max(50).default(0),
    /** Overrides of the shop's cap for this flow's promotional messages (seed 000: fewer promotions for Standard customers). */
    cap: z
      .object({ perDay: z.number().int().min(0).max(10), perWeek: z.number().int().min(0).max(50) })
      .partial()
      .strict()
      .optional(),
    /**
     * Values the flow's messages read as variables (`{{ survey_url }}`, `{{ nps_url }}`): links and
     * wording the seller sets once per flow.
     */
    vars: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a variable name: lowercase, digits and _'),
        z.string().max(2000),
      )
      .default({}),
    /** How long after a click a valid order counts as the flow's conversion. */
    attributionWindow: durationSchema.default('5d'),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type FlowDocument = z.infer<typeof flowDocumentSchema>;
export type FlowDocumentInput = z.input<typeof flowDocumentSchema>;
