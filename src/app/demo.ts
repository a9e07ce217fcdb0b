import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAnalyticsConfig } from '../domain/analytics/config.js';
import { DEFAULT_PROGRAM } from '../domain/loyalty/program.js';
import { DEFAULT_TIME_ZONE } from '../domain/time.js';
import { generateShop } from '../ingest/demo/generate.js';
import type { DemoShop } from '../ingest/demo/types.js';
import { DEMO_FILES, writeDemoShop } from '../ingest/demo/write.js';
import type { ImportSummary } from '../ingest/import-file.js';
import type { ImportFormat } from '../ingest/records.js';
import { recomputeScores } from '../store/analytics/index.js';
import { type RefreshMembershipResult, refreshAllSegments } from '../store/segments/index.js';
import type { StoreSummary } from '../store/store.js';
import { resolveAsOf } from './as-of.js';
import type { AppContext } from './context.js';
import { importFile } from './imports.js';
import { applyOrderPoints } from './loyalty/earn.js';
import { runLoyaltyDaily } from './loyalty/events.js';
import { loadProgram, setProgram } from './loyalty/program.js';
import { recomputeReorderCycles } from './replenishment.js';

/**
 * The files of a demo shop and how each is imported, in order: the catalogue before the orders,
 * as a seller who connects a shop would (lines get their categories as they are written; the
 * other order works too, see src/store/import/catalogue.ts).
 */
export const DEMO_IMPORTS: readonly { file: keyof typeof DEMO_FILES; format: ImportFormat }[] = [
  { file: 'customers', format: 'shopify-customers' },
  { file: 'catalog', format: 'shopify-products' },
  { file: 'orders', format: 'shopify-orders' },
  { file: 'events', format: 'events-jsonl' },
  { file: 'marketingCosts', format: 'marketing-costs' },
];

export interface DemoImport {
  format: ImportFormat;
  file: string;
  summary: ImportSummary;
}

export interface DemoOutcome {
  shop: DemoShop;
  imports: DemoImport[];
  summary: StoreSummary;
  asOf: Date;
  segments: RefreshMembershipResult;
}

export interface DemoInput {
  shopId: string;
  customers: number;
  seed: number;
  /** The last day of the history ('YYYY-MM-DD', in the shop's time zone); default today. */
  until?: string | undefined;
}

/**
 * The end (exclusive) of a demo's history: the end of `day` in `timeZone`, or else `now`, so that
 * a demo made today ends today — with orders up to this moment and none later — and its first
 * report shows a shop as alive as its model, not one that stopped selling weeks ago.
 */
export function demoUntil(day: string | undefined, options: { timeZone: string; now: Date }): Date {
  if (day === undefined) return options.now;
  return new Date(resolveAsOf(day, { ...options, field: 'until' }).getTime() + 1);
}

/**
 * `nurture demo`: generates a demo shop into a temporary folder and loads it through the same
 * importers as a seller's files, then scores and segments it as of now, as `analyze` would, so
 * that every command has its answer at once. `onGenerated` hears of the shop before the imports.
 */
export async function runDemo(
  ctx: AppContext,
  input: DemoInput,
  onGenerated: (shop: DemoShop) => void = () => {},
): Promise<DemoOutcome> {
  // The shop's own zone says when its today ends; a new shop gets the default zone.
  const timeZone = (await ctx.store.getShop(input.shopId))?.timezone ?? DEFAULT_TIME_ZONE;
  const until = demoUntil(input.until, { timeZone, now: ctx.clock.now() });
  const shop = generateShop({ customers: input.customers, seed: input.seed, until });
  const dir = await mkdtemp(join(tmpdir(), 'nurture-demo-'));
  try {
    await writeDemoShop(shop, dir);
    onGenerated(shop);
    return { shop, ...(await loadDemoFiles(ctx, input.shopId, dir)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Loads a generated demo shop's files (the folder `nurture generate` writes) into a shop. */
export async function loadDemoFiles(
  ctx: AppContext,
  shopId: string,
  dir: string,
): Promise<Omit<DemoOutcome, 'shop'>> {
  const imports: DemoImport[] = [];
  for (const { file, format } of DEMO_IMPORTS) {
    const path = join(dir, DEMO_FILES[file]);
    imports.push({
      format,
      file: DEMO_FILES[file],
      summary: await importFile(ctx, { shopId, format, path }),
    });
  }
  await startDemoLoyalty(ctx, shopId);
  const store = ctx.store;
  const summary = await store.summary(shopId);
  const asOf = ctx.clock.now();
  await recomputeScores(store.engine, shopId, asOf, resolveAnalyticsConfig());
  // The learned reorder cycles, so that replenishment_due(…) segments have members at once.
  await recomputeReorderCycles(ctx, { shopId });
  const segments = await refreshAllSegments(store, shopId, asOf);
  return { imports, summary, asOf, segments };
}

/**
 * The demo shop's loyalty programme: the default one, turned on (unless the shop already set one
 * of its own), and the points of the imported orders and events worked out once after the imports
 * (the imports ran with the programme off, so they paid nothing for it): members, tiers and
 * ledgers for the dashboard's loyalty pages at once.
 */
async function startDemoLoyalty(ctx: AppContext, shopId: string): Promise<void> {
  const current = await loadProgram(ctx.store, shopId);
  if (current.version === 0)
    await setProgram(ctx, { shopId, program: { ...DEFAULT_PROGRAM, enabled: true } });
  else if (!current.program.enabled) return;
  await ctx.store.transaction((tx) => applyOrderPoints(ctx, shopId, undefined, tx));
  await runLoyaltyDaily(ctx, { shopId });
}
