/**
 * `nurture segment …`: saved customer segments (create, update, delete, list, show, members,
 * export, refresh, history) and ad-hoc queries (count, explain). Each subcommand validates its
 * options (zod), calls one store function, and formats the result as text or, with --json, JSON.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import {
  countSegmentQuery,
  createShopSegment,
  deleteShopSegment,
  explainSegmentQuery,
  exportSegment,
  listShopSegments,
  refreshShopSegments,
  type SegmentScope,
  segmentHistory,
  shopSegmentMembers,
  showSegment,
  updateShopSegment,
} from '../../app/segments.js';
import { loadShopSettings } from '../../app/shop-settings.js';
import { EXPORT_FORMATS } from '../../domain/segments/input.js';
import { NurtureError } from '../../errors.js';
import { checkOutputPaths, databaseFiles, writeOutputFile } from '../../output-file.js';
import { formatterFor } from '../../report/format.js';
import { fill, tr } from '../../report/i18n.js';
import { table } from '../../report/text.js';
import { type CliDeps, withContext } from '../context.js';
import { parseOptions, common as sharedCommon, withCommon as withSharedCommon } from '../options.js';
import {
  changesLine,
  explainText,
  historyTable,
  membersTable,
  problemLines,
  segmentLines,
  T,
  type View,
} from './segment-text.js';

const common = sharedCommon.extend({ asOf: z.string().min(1).optional() });
type Common = z.infer<typeof common>;

const limitOption = z.coerce
  .number({ error: '--limit must be a number' })
  .int('--limit must be a whole number')
  .min(0, '--limit must be 0 or more')
  .max(10_000_000);

const schemas = {
  create: common.extend({
    query: z.string({ error: '--query is required' }),
    description: z.string().optional(),
  }),
  update: common.extend({
    query: z.string().optional(),
    description: z.string().optional(),
    rename: z.string().optional(),
  }),
  plain: common,
  query: common.extend({ query: z.string({ error: '--query is required' }) }),
  members: common.extend({ limit: limitOption.default(50) }),
  export: common.extend({
    format: z.enum(EXPORT_FORMATS, { error: '--format is csv, json or ads' }),
    out: z.string({ error: '--out FILE is required' }).min(1),
    hash: z.boolean().optional(),
    includeWithoutConsent: z.boolean().optional(),
  }),
  refresh: common.extend({ timeDependent: z.boolean().optional() }),
  history: common.extend({ limit: limitOption.default(50) }),
};

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A subcommand's work; `view` reads the shop's zone and currency, for text output only. */
type Action = (ctx: AppContext, scope: SegmentScope, view: () => Promise<View>) => Promise<void>;

/** Opens the store for a subcommand and hands it a context and the scope (shop, as-of). */
function run(deps: CliDeps, o: Common, action: Action): Promise<void> {
  const flags = { db: o.db, shop: o.shop, lang: o.lang };
  const { shopId, lang } = deps.config(flags);
  const f = formatterFor(lang);
  return withContext(
    deps,
    flags,
    (ctx) =>
      action(ctx, { shopId, asOf: o.asOf }, async () => {
        const shop = await loadShopSettings(ctx, shopId);
        return { f, timeZone: shop.timezone, currency: shop.currency };
      }),
    'existing',
  );
}

/** The shared options and `--as-of` (segments are evaluated at a moment). */
const withCommon = (cmd: Command): Command =>
  withSharedCommon(cmd).option(
    '--as-of <date>',
    'evaluate as of this day (YYYY-MM-DD, the end of it) or instant (default: now)',
  );

/** Registers `nurture segment` and its subcommands. */
export function registerSegmentCommands(program: Command, deps: CliDeps): void {
  const segment = program
    .command('segment')
    .description('customer segments: a query language, saved segments with membership history, audiences');
  registerEditing(segment, deps);
  registerReading(segment, deps);
  registerQueries(segment, deps);
}

function registerEditing(segment: Command, deps: CliDeps): void {
  withCommon(segment.command('create').description('save a segment').argument('<name>'))
    .requiredOption(
      '--query <query>',
      'the condition, e.g. "last_order_date < -90d AND number_of_orders >= 2"',
    )
    .option('--description <text>', 'what the segment is for')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(schemas.create, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const input = {
          ...scope,
          name,
          query: o.query,
          ...(o.description !== undefined ? { description: o.description } : {}),
        };
        const { segment: s, refresh } = await createShopSegment(ctx, input);
        if (o.json) deps.out(json(s));
        else {
          const v = await view();
          deps.out(`${tr(T.created, v.f.lang)}\n${segmentLines(s, v)}\n${changesLine(refresh, v.f)}`);
        }
      });
    });

  withCommon(
    segment.command('update').description("change a segment's query, description or name").argument('<name>'),
  )
    .option('--query <query>', 'the new condition')
    .option('--description <text>', 'the new description')
    .option('--rename <name>', 'the new name')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(schemas.update, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const input = {
          ...scope,
          name,
          ...(o.query !== undefined ? { query: o.query } : {}),
          ...(o.description !== undefined ? { description: o.description } : {}),
          ...(o.rename !== undefined ? { rename: o.rename } : {}),
        };
        const { segment: s, refresh } = await updateShopSegment(ctx, input);
        if (o.json) deps.out(json(s));
        else {
          const v = await view();
          deps.out(`${tr(T.updated, v.f.lang)}\n${segmentLines(s, v)}\n${changesLine(refresh, v.f)}`);
        }
      });
    });

  withCommon(
    segment.command('delete').description('delete a segment and its history').argument('<name>'),
  ).action(async (name: string, raw: unknown) => {
    const o = parseOptions(schemas.plain, raw);
    await run(deps, o, async (ctx, scope, view) => {
      const s = await deleteShopSegment(ctx, { ...scope, name });
      deps.out(
        o.json
          ? json({ deleted: s.name, segmentId: s.segmentId })
          : `${fill(T.deleted, (await view()).f.lang, { name: s.name })}\n`,
      );
    });
  });

  withCommon(segment.command('refresh').description('refresh membership of all segments (or the named ones)'))
    .argument('[names...]')
    .option('--time-dependent', 'only segments whose answer drifts with time (relative dates)')
    .action(async (names: string[], raw: unknown) => {
      const o = parseOptions(schemas.refresh, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const r = await refreshShopSegments(ctx, { ...scope, names, timeDependent: o.timeDependent });
        if (o.json) deps.out(json(r));
        else {
          const { f } = await view();
          const rows = r.bySegment.map((b) => [b.name, f.count(b.entered), f.count(b.exited)]);
          deps.out(
            `${table(
              [T.segment, T.entered, T.left].map((h) => tr(h, f.lang)),
              rows,
              [false, true, true],
            )}\n${changesLine(r, f)}`,
          );
          deps.err(problemLines(r, f.lang));
        }
        // The others are refreshed and committed; a segment the database failed to run is still an
        // error of this command (a scheduled refresh must notice it).
        if (r.failed.length > 0)
          throw new NurtureError(
            'invalid_input',
            `${r.failed.length} segment${r.failed.length === 1 ? '' : 's'} could not be refreshed (${r.failed.map((f) => f.name).join(', ')}); ` +
              `the other ${r.segments} were. Change the query (nurture segment update NAME --query …) or delete the segment`,
          );
      });
    });
}

function registerReading(segment: Command, deps: CliDeps): void {
  withCommon(segment.command('list').description('saved segments with their sizes')).action(
    async (raw: unknown) => {
      const o = parseOptions(schemas.plain, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const all = await listShopSegments(ctx, scope);
        if (o.json) {
          deps.out(json(all));
          return;
        }
        // A segment never refreshed in full (built-ins until the first `segment refresh`) holds at most
        // the customers refreshed one by one since: its size is unknown, not that count.
        const { f, timeZone } = await view();
        const refreshed = (at: Date | null) => (at === null ? tr(T.never, f.lang) : f.dateTime(at, timeZone));
        deps.out(
          `${table(
            [
              tr(T.segment, f.lang),
              tr(T.members, f.lang),
              fill(T.refreshedIn, f.lang, { zone: timeZone }),
              tr(T.query, f.lang),
            ],
            all.map((s) => [
              s.name,
              s.refreshedAt === null ? '–' : f.count(s.members),
              refreshed(s.refreshedAt),
              s.query,
            ]),
            [false, true, false, false],
          )}\n`,
        );
        if (all.some((s) => s.refreshedAt === null)) deps.out(`${tr(T.neverFilled, f.lang)}\n`);
      });
    },
  );

  withCommon(
    segment.command('show').description('one segment: its query, size and latest changes').argument('<name>'),
  ).action(async (name: string, raw: unknown) => {
    const o = parseOptions(schemas.plain, raw);
    await run(deps, o, async (ctx, scope, view) => {
      const s = await showSegment(ctx, { ...scope, name });
      if (o.json) deps.out(json(s));
      else {
        const v = await view();
        deps.out(`${segmentLines(s, v)}\n${historyTable(s.recentChanges, v)}\n`);
      }
    });
  });

  withCommon(segment.command('members').description('current members (refreshed first)').argument('<name>'))
    .option('--limit <n>', 'at most this many (default 50)')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(schemas.members, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const r = await shopSegmentMembers(ctx, { ...scope, name, limit: o.limit });
        if (o.json) deps.out(json({ segment: r.segment, members: r.members }));
        else {
          const v = await view();
          deps.out(
            `${fill(T.sized, v.f.lang, { name: r.segment.name, n: v.f.count(r.segment.members) })}\n${membersTable(r.members, v)}\n`,
          );
        }
      });
    });

  withCommon(segment.command('history').description('entries and exits, latest first').argument('<name>'))
    .option('--limit <n>', 'at most this many (default 50)')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(schemas.history, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const rows = await segmentHistory(ctx, { ...scope, name, limit: o.limit });
        deps.out(o.json ? json(rows) : `${historyTable(rows, await view())}\n`);
      });
    });

  withCommon(
    segment.command('export').description('write an audience file of the members').argument('<name>'),
  )
    .requiredOption('--format <format>', 'csv | json | ads (Facebook/Zalo custom audience)')
    .requiredOption('--out <file>', 'the file to write')
    .option('--hash', 'SHA-256 the identifiers (ads format), as the ad platforms accept them')
    .option('--include-without-consent', 'also export customers who gave no marketing consent')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(schemas.export, raw);
      await checkOutputPaths([{ option: '--out', path: o.out }], databaseFiles(deps.config({ db: o.db }).db));
      await run(deps, o, async (ctx, scope, view) => {
        const file = await exportSegment(ctx, {
          ...scope,
          name,
          format: o.format,
          hash: o.hash,
          includeWithoutConsent: o.includeWithoutConsent,
        });
        await writeOutputFile(o.out, file.text);
        const summary = {
          segment: file.segment.name,
          file: o.out,
          format: o.format,
          rows: file.rows,
          withoutConsent: file.withoutConsent,
          withoutContact: file.withoutContact,
        };
        if (o.json) {
          deps.out(json(summary));
          return;
        }
        const { f } = await view();
        const wrote = fill(T.wrote, f.lang, {
          file: o.out,
          rows: f.count(file.rows),
          format: o.format,
          withoutConsent: f.count(file.withoutConsent),
        });
        const contact =
          o.format === 'ads' ? fill(T.withoutContact, f.lang, { n: f.count(file.withoutContact) }) : '';
        deps.out(`${wrote}${contact}\n`);
      });
    });
}

function registerQueries(segment: Command, deps: CliDeps): void {
  withCommon(segment.command('count').description('how many customers a query matches now'))
    .requiredOption('--query <query>', 'the condition')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.query, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const r = await countSegmentQuery(ctx, { ...scope, query: o.query });
        if (o.json) deps.out(json(r));
        else {
          const { f } = await view();
          deps.out(`${fill(T.matches, f.lang, { n: f.count(r.count) })}\n`);
        }
      });
    });

  withCommon(segment.command('explain').description('the parsed tree and the SQL of a query'))
    .requiredOption('--query <query>', 'the condition')
    .action(async (raw: unknown) => {
      const o = parseOptions(schemas.query, raw);
      await run(deps, o, async (ctx, scope, view) => {
        const e = await explainSegmentQuery(ctx, { ...scope, query: o.query });
        if (o.json) deps.out(json(e));
        else deps.out(explainText(e, (await view()).f.lang));
      });
    });
}
