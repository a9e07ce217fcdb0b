/**
 * Types of the analytics core: the customer groups of the three models (RFM, the lifecycle of
 * seed 000, the value × frequency × activity groups of seed 001), the KPIs and the report that
 * `analyzeShop` returns. Pure data; no I/O.
 */

/** Text in both languages of the product (Vietnamese first). */
export interface Localized {
  vi: string;
  en: string;
}

/** Shopify's eleven RFM groups (names of the `CustomerRfmGroup` enum, lower-cased). */
export const RFM_GROUPS = [
  'champions',
  'loyal',
  'active',
  'new',
  'promising',
  'needs_attention',
  'at_risk',
  'previously_loyal',
  'almost_lost',
  'dormant',
  'prospects',
] as const;
/** One of Shopify's RFM groups. */
export type RfmGroup = (typeof RFM_GROUPS)[number];

/**
 * Lifecycle stages of seed 000, plus `prospect` for customers who have not bought yet (seed 000
 * starts at the first purchase; the stage keeps every customer in exactly one stage).
 * "Referred" is not a stage but an overlay: a referred customer is also in one of these stages.
 */
export const LIFECYCLE_STAGES = ['prospect', 'new', 'standard', 'premium', 'loyal', 'churned'] as const;
/** A stage of the lifecycle model. */
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** The lifecycle model's groups as reported: the stages and the `referred` overlay. */
export const LIFECYCLE_GROUPS = [...LIFECYCLE_STAGES, 'referred'] as const;
/** A group of the lifecycle model as reported (a stage or Referred). */
export type LifecycleGroup = (typeof LIFECYCLE_GROUPS)[number];

/** Seed 001 (GapOne): Ignore, Needs attention, Win back, and Focus split into its four sub-groups. */
export const VALUE_GROUPS = [
  'ignore',
  'needs_attention',
  'win_back',
  'focus_low_value',
  'focus_high_value_infrequent',
  'focus_frequent',
  'focus_high_value_frequent',
] as const;
/** A group of the value × frequency × activity model. */
export type ValueGroup = (typeof VALUE_GROUPS)[number];

/** The parent group of seed 001's four Focus sub-groups. */
export type ValueParentGroup = 'focus';

/** The three ways of grouping customers. */
export type GroupModel = 'rfm' | 'lifecycle' | 'value';

/** Models that assign each customer exactly one group (and so have transitions). */
export type ClassifierModel = 'lifecycle' | 'value';

/** Group column of `customer_stats` for each model. */
export type GroupColumn = 'rfm_group' | 'lifecycle' | 'value_group';

/**
 * One customer as the classifiers see it: the stored per-customer stats plus the population
 * scores. The same record is read from SQL (`customer_stats`) and fed to the in-memory
 * classifiers, which is how tests prove SQL and memory agree.
 */
export interface CustomerFeatures {
  orders: number;
  revenue: number;
  aov: number | null;
  /** Days (shop calendar) from the last valid order to the as-of date; null without orders. */
  recencyDays: number | null;
  avgGapDays: number | null;
  firstOrderValue: number | null;
  maxOrderValue: number | null;
  categoryCount: number;
  /** Live customers this customer referred. */
  referrals: number;
  /** Marketing messages declined or ignored in a row (see docs/analytics.md). */
  declineStreak: number;
  r: number | null;
  f: number | null;
  m: number | null;
  /** The RFM grid's second axis: round-half-up mean of F and M (or F alone, by config). */
  fm: number | null;
  referred: boolean;
  /** A later order larger than the first, or a later order adding a new category. */
  upsold: boolean;
  rfmGroup: RfmGroup;
}

/** Thresholds that the group rules refer to by name. */
export const THRESHOLD_NAMES = [
  'activeDays',
  'highValue',
  'frequentGapDays',
  'ignoreAfterDays',
  'declineLimit',
] as const;
/** The name of a threshold rules can refer to. */
export type ThresholdName = (typeof THRESHOLD_NAMES)[number];

/** Where a threshold's value came from. */
export type ThresholdSource = 'fitted' | 'configured' | 'fallback';

/** The thresholds in force for one computation, and where each came from. */
export interface Thresholds {
  /** A customer is active while their last valid order is at most this many days old. */
  activeDays: number;
  /** An AOV at or above this is "high value" (shop currency). */
  highValue: number;
  /** An average gap between orders at or below this many days is "frequent". */
  frequentGapDays: number;
  /** Seed 001: a one-time buyer inactive for longer than this is Ignore. */
  ignoreAfterDays: number;
  /** Seed 001: this many declined or ignored messages in a row move a customer to Ignore. */
  declineLimit: number;
  sources: Record<ThresholdName, ThresholdSource>;
  /** The sample the fit saw: customers with an order, and those with two or more order days. */
  sample: { buyers: number; repeatBuyers: number };
}

/** Key performance indicators for a period (and, when grouped, for one group). */
export interface Kpis {
  /** Sum of valid orders' value (net of refunds by default) created in the period. */
  revenue: number;
  /** Valid orders created in the period. */
  orders: number;
  /** Customers with at least one valid order in the period. */
  customers: number;
  /** revenue / orders (seed 001's formula). */
  aov: number | null;
  /** Customers with >= 2 valid orders in the period / customers with >= 1. */
  repeatRate: number | null;
  /** Revenue of period orders that are not the customer's first valid order ever / revenue. */
  returningRevenueShare: number | null;
  /** orders / customers. */
  purchaseFrequency: number | null;
  /** Mean gap in days between a repeat order in the period and the customer's previous valid order. */
  avgDaysBetweenOrders: number | null;
  /** Customers active at the start of the period. */
  activeAtStart: number;
  /** Share of customers active at the start who bought again in the period. */
  retentionRate: number | null;
  /** 1 - retentionRate. */
  churnRate: number | null;
  /** Customers churned (inactive) at the end of the period. */
  churnedAtEnd: number;
  /** Mean days since the last order of the customers churned at the end of the period. */
  avgDaysSinceLastOrderChurned: number | null;
  /** Mean lifetime revenue (valid orders before the period's end) per customer with an order. */
  historicalClv: number | null;
  /** Promoters (9-10) minus detractors (0-6), in percent of NPS answers in the period. */
  nps: number | null;
  npsResponses: number;
  /** Distinct visitors (customers or anonymous ids) with an event in the period. */
  visitors: number;
  /** Visitors who placed a valid order in the period / visitors. */
  visitorConversion: number | null;
  /** Customers whose first valid order ever is in the period. */
  newCustomers: number;
  /** Marketing costs of the months the period touches; null when none are recorded. */
  marketingCost: number | null;
  /** Cost per acquired customer: marketingCost / newCustomers. */
  cac: number | null;
  /** historicalClv / cac. */
  clvToCac: number | null;
  /** Referred customers with a valid order in the period. */
  referredCustomers: number;
  /** Period revenue of referred customers / referredCustomers. */
  revenuePerReferredCustomer: number | null;
  /** Customers with a repeat order in the period. */
  repeatCustomers: number;
  /** Share of repeatCustomers whose repeat order was larger than their first or added a category. */
  upCrossSellRate: number | null;
  /** Customers churned at the start of the period. */
  churnedAtStart: number;
  /** Churned-at-start customers who bought in the period. */
  reactivatedCustomers: number;
  /** reactivatedCustomers / churnedAtStart. */
  reactivationRate: number | null;
  /** Coupon discounts on the reactivating orders (the first order in the period of each reactivated customer). */
  reactivationCost: number;
  /** reactivationCost / reactivatedCustomers. */
  reactivationCostPerCustomer: number | null;
  /** Cash-on-delivery orders in the period that reached an outcome (delivered, failed, returned…). */
  codOrders: number;
  /** COD orders that failed delivery / codOrders. */
  codFailureRate: number | null;
}

/** The name of a KPI. */
export type KpiKey = keyof Kpis;

/** A closed-open interval of instants: [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

/** KPIs of one group of a model. */
export interface GroupKpis {
  group: string;
  kpis: Kpis;
}

/** A saved segment's KPIs for a period: those of its current members, and how many they are. */
export interface SegmentKpis {
  segment: string;
  builtin: boolean;
  members: number;
  kpis: Kpis;
}

/** KPIs of a period, overall and per group. */
export interface MetricsResult {
  period: Period;
  kpis: Kpis;
  /** Present when `groupBy` was asked for: one entry per group that has customers. */
  groups: GroupKpis[];
}

/** One row of the monthly cohort matrix (months in the shop's time zone). */
export interface CohortRow {
  /** 'YYYY-MM' of the customers' first valid order. */
  cohort: string;
  size: number;
  /** retained[k]: customers of the cohort with a valid order k months after their first month. */
  retained: number[];
  /** retained[k] / size. */
  rates: number[];
}

/** Monthly cohort retention: one row per cohort month. */
export interface CohortMatrix {
  months: number;
  rows: CohortRow[];
}

/** How many customers moved from one group to another between two dates. */
export interface TransitionCell<G extends string> {
  /** null: the customer did not exist yet on the first date. */
  from: G | null;
  to: G;
  customers: number;
}

/** How customers moved between the groups of a model from one date to another. */
export interface TransitionMatrix<G extends string> {
  model: ClassifierModel;
  fromDate: Date;
  toDate: Date;
  groups: readonly G[];
  cells: TransitionCell<G>[];
  /** matrix[i][j]: customers from groups[i] (or, for i = groups.length, "not a customer yet") to groups[j]. */
  matrix: number[][];
  stayed: number;
  moved: number;
  entered: number;
}

/** Per-customer row for lists and the CSV export. */
export interface CustomerRow {
  customerId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  orders: number;
  revenue: number;
  aov: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  recencyDays: number | null;
  avgGapDays: number | null;
  categories: string[];
  r: number | null;
  f: number | null;
  m: number | null;
  rfmGroup: RfmGroup | null;
  lifecycle: LifecycleStage | null;
  referred: boolean;
  valueGroup: ValueGroup | null;
}

/** Seed 002's report: the best customers by money and by number of orders. */
export interface BestCustomers {
  byRevenue: CustomerRow[];
  byOrders: CustomerRow[];
}

/** Cells of the RFM grid: customers (and their lifetime revenue) per R × F score pair. */
export interface RfmGrid {
  cells: { r: number; f: number; customers: number; revenue: number }[];
  /** customers with M = 1..5 (index 0 is M = 1). */
  mCounts: number[];
  /** customers per R × FM cell, the axes the group map uses. */
  fmCells: { r: number; fm: number; customers: number }[];
  scoredCustomers: number;
}

/** A group as the report shows it: size and money, and the catalog's advice. */
export interface GroupReport<G extends string> {
  id: G;
  parent: string | null;
  customers: number;
  customerShare: number | null;
  /** Revenue of the group's customers in the period. */
  revenue: number;
  revenueShare: number | null;
  lifetimeRevenue: number;
  label: Localized;
  definition: Localized;
  goal: Localized;
  /** KPIs the seed says to watch for this group, with their values for the group. */
  kpis: { key: KpiKey; label: Localized; value: number | null }[];
  actions: Localized[];
}

/** Everything `analyzeShop` finds about a shop, for the CLI and the HTML report. */
export interface AnalysisReport {
  shop: { shopId: string; name: string; currency: string; timezone: string };
  asOf: Date;
  period: Period;
  kpis: Kpis;
  thresholds: Thresholds;
  rfm: { grid: RfmGrid; groups: GroupReport<RfmGroup>[] };
  lifecycle: { groups: GroupReport<LifecycleGroup>[]; transitions: TransitionMatrix<LifecycleStage> };
  valueGroups: { groups: GroupReport<ValueGroup>[]; transitions: TransitionMatrix<ValueGroup> };
  cohorts: CohortMatrix;
  bestCustomers: BestCustomers;
  /**
   * The customer_stats refresh analyzeShop did before scoring: 'none' when stats were current,
   * 'full' from every order, 'as-of' from the orders there were at `asOf` (a report of a past date).
   */
  statsRefresh: 'none' | 'full' | 'as-of';
  /** KPIs per saved segment, when asked for (`nurture analyze --segments`). */
  segments?: SegmentKpis[];
}
