/**
 * `nurture flow …` and `nurture messages list`: flows (create from a YAML or JSON file, update,
 * list, show, activate, pause, resume, archive, stats, run-due) and the outbox. Each subcommand
 * validates its options, calls one app/ function and formats the result.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { resolveAsOf } from '../../app/as-of.js';
import {
  changeFlowState,
  createFlow,
  listShopFlows,
  readFlowText,
  requireFlowView,
  updateFlowDocument,
} from '../../app/flows/definitions.js';
import { flowStats, listShopMessages } from '../../app/flows/messages.js';
import { previewFlowMessage, testSendFlowMessage } from '../../app/flows/preview.js';
import { runDueFlows } from '../../app/flows/run-due.js';
import { enableFlowTemplate, listFlowTemplates } from '../../app/flows/templates.js';
import { CHANNEL_KINDS } from '../../channels/channel.js';
import { normalizePhone } from '../../domain/identity-keys.js';
import { inputFileError, NurtureError } from '../../errors.js';
import { MESSAGE_STATES } from '../../store/flows/messages.js';
import { type CliDeps, withContext } from '../context.js';
import { common, parseOptions, withCommon } from '../options.js';
import {
  flowListText,
  flowShowText,
  flowStatsText,
  messagesText,
  previewText,
  runDueText,
  templatesText,
} from './flow-text.js';

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

async function readDocument(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw inputFileError(error, path) ?? error;
  }
  return readFlowText(text, path);
}

export function registerFlowCommands(program: Command, deps: CliDeps): void {
  const flow = program
    .command('flow')
    .description(
      'automated journeys: create, update, list, show, activate, pause, resume, archive, stats, run-due',
    );

  const run = <T>(o: z.infer<typeof common>, fn: Parameters<typeof withContext<T>>[2]) =>
    withContext(deps, { db: o.db, shop: o.shop, lang: o.lang }, fn, 'existing');
  const config = (o: z.infer<typeof common>) => deps.config({ db: o.db, shop: o.shop, lang: o.lang });

  withCommon(
    flow.command('create').description('create a flow from a YAML or JSON file (a draft unless --live)'),
  )
    .argument('<file>', 'the flow document')
    .option('--live', 'start it at once')
    .action(async (file: string, raw: unknown) => {
      const o = parseOptions(common.extend({ live: z.boolean().optional() }), raw);
      const document = await readDocument(file);
      const view = await run(o, (ctx) =>
        createFlow(ctx, { shopId: config(o).shopId, document, live: o.live ?? false }),
      );
      deps.out(o.json ? json(view) : flowShowText(view, config(o).lang));
    });

  withCommon(
    flow.command('update').description('save a new version (runs inside finish the version they started)'),
  )
    .argument('<name>', 'the flow')
    .argument('<file>', 'the new document')
    .action(async (name: string, file: string, raw: unknown) => {
      const o = parseOptions(common, raw);
      const document = await readDocument(file);
      const view = await run(o, (ctx) =>
        updateFlowDocument(ctx, { shopId: config(o).shopId, name, document }),
      );
      deps.out(o.json ? json(view) : flowShowText(view, config(o).lang));
    });

  withCommon(flow.command('list').description('flows with their state')).action(async (raw: unknown) => {
    const o = parseOptions(common, raw);
    const c = config(o);
    const { flows, timeZone } = await run(o, async (ctx) => ({
      flows: await listShopFlows(ctx, c.shopId),
      timeZone: (await ctx.store.requireShop(c.shopId)).timezone,
    }));
    deps.out(o.json ? json(flows) : flowListText(flows, c.lang, timeZone));
  });

  withCommon(flow.command('show').description('one flow: state, version and document'))
    .argument('<name>', 'the flow')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(common, raw);
      const view = await run(o, (ctx) => requireFlowView(ctx, config(o).shopId, name));
      deps.out(o.json ? json(view) : flowShowText(view, config(o).lang));
    });

  for (const action of ['activate', 'pause', 'resume', 'archive'] as const)
    withCommon(flow.command(action).description(ACTION_ABOUT[action]))
      .argument('<name>', 'the flow')
      .action(async (name: string, raw: unknown) => {
        const o = parseOptions(common, raw);
        const view = await run(o, (ctx) => changeFlowState(ctx, { shopId: config(o).shopId, name, action }));
        deps.out(o.json ? json(view) : flowShowText(view, config(o).lang));
      });

  withCommon(flow.command('stats').description('runs by state; per step its outcomes and messages'))
    .argument('<name>', 'the flow')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(common, raw);
      const stats = await run(o, (ctx) => flowStats(ctx, { shopId: config(o).shopId, name }));
      deps.out(o.json ? json(stats) : flowStatsText(stats, config(o).lang));
    });

  withCommon(
    flow
      .command('run-due')
      .description('do all flow work due up to a moment, as the worker does (sending included)'),
  )
    .option('--as-of <datetime>', 'ISO 8601, with or without an offset (without: shop time); default now')
    .action(async (raw: unknown) => {
      const o = parseOptions(common.extend({ asOf: z.string().min(1).optional() }), raw);
      const c = config(o);
      const { result, timeZone } = await run(o, async (ctx) => {
        const timeZone = (await ctx.store.requireShop(c.shopId)).timezone;
        const asOf = o.asOf
          ? resolveAsOf(o.asOf, { timeZone, now: ctx.clock.now(), field: 'asOf' })
          : ctx.clock.now();
        return { result: await runDueFlows(ctx, { shopId: c.shopId, asOf }), timeZone };
      });
      deps.out(o.json ? json(result) : runDueText(result, c.lang, timeZone));
    });

  withCommon(flow.command('templates').description("the seeds' ready flows and their parameters")).action(
    async (raw: unknown) => {
      const o = parseOptions(common, raw);
      const list = listFlowTemplates();
      deps.out(o.json ? json(list) : templatesText(list, config(o).lang));
    },
  );

  withCommon(
    flow
      .command('enable-template')
      .description('create a ready flow and switch it on (every part stays editable)'),
  )
    .argument('<name>', 'the template (see flow templates)')
    .option('--param <key=value...>', 'a parameter (repeatable)')
    .option('--draft', 'create it as a draft instead')
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(
        common.extend({ param: z.array(z.string()).optional(), draft: z.boolean().optional() }),
        raw,
      );
      const params = Object.fromEntries(
        (o.param ?? []).map((p) => {
          const i = p.indexOf('=');
          if (i <= 0)
            throw new NurtureError('invalid_input', `--param ${p}: write key=value`, [
              { path: 'param', reason: p },
            ]);
          return [p.slice(0, i), p.slice(i + 1)];
        }),
      );
      const view = await run(o, (ctx) =>
        enableFlowTemplate(ctx, { shopId: config(o).shopId, name, params, draft: o.draft ?? false }),
      );
      deps.out(o.json ? json(view) : flowShowText(view, config(o).lang));
    });

  const previewOptions = common.extend({
    step: z.string({ error: '--step is required' }).min(1),
    customer: z.string().min(1).optional(),
    channel: z.enum(CHANNEL_KINDS, { error: `--channel is one of ${CHANNEL_KINDS.join(', ')}` }).optional(),
  });
  withCommon(
    flow.command('preview').description("render a send step's message for a customer (or a sample one)"),
  )
    .argument('<name>', 'the flow')
    .requiredOption('--step <id>', 'the send step')
    .option('--customer <id>', 'render with this customer (default: a sample customer)')
    .option('--channel <channel>', "one of the step's channels (default: its first)")
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(previewOptions, raw);
      const c = config(o);
      const preview = await run(o, (ctx) =>
        previewFlowMessage(ctx, {
          shopId: c.shopId,
          name,
          step: o.step,
          lang: c.lang,
          ...(o.customer ? { customerId: o.customer } : {}),
          ...(o.channel ? { channel: o.channel } : {}),
        }),
      );
      deps.out(o.json ? json(preview) : previewText(preview));
    });

  withCommon(
    flow
      .command('test-send')
      .description("send a step's message once to a phone or e-mail (outside the outbox and the cap)"),
  )
    .argument('<name>', 'the flow')
    .requiredOption('--step <id>', 'the send step')
    .option('--phone <phone>', 'send the SMS or Zalo message to this phone')
    .option('--email <email>', 'send the e-mail to this address')
    .option('--customer <id>', 'render with this customer (default: a sample customer)')
    .option('--channel <channel>', "one of the step's channels (default: its first)")
    .action(async (name: string, raw: unknown) => {
      const o = parseOptions(
        previewOptions.extend({
          phone: z.string().min(1).optional(),
          email: z.email('--email is not an e-mail address').optional(),
        }),
        raw,
      );
      const c = config(o);
      const to = o.email ?? (o.phone ? normalizePhone(o.phone) : undefined);
      if (!to)
        throw new NurtureError(
          'invalid_input',
          o.phone ? `--phone ${o.phone} is not a phone number` : 'give --phone or --email',
          [{ path: o.phone ? 'phone' : 'to', reason: 'missing or invalid' }],
        );
      const result = await run(o, (ctx) =>
        testSendFlowMessage(ctx, {
          shopId: c.shopId,
          name,
          step: o.step,
          to,
          lang: c.lang,
          ...(o.customer ? { customerId: o.customer } : {}),
          ...(o.channel ? { channel: o.channel } : {}),
        }),
      );
      const detail = 'reason' in result.outcome ? ` (${result.outcome.code}: ${result.outcome.reason})` : '';
      deps.out(o.json ? json(result) : `${result.channel}: ${result.outcome.kind}${detail}\n`);
      if (result.outcome.kind !== 'sent' && result.outcome.kind !== 'duplicate')
        throw new NurtureError(
          'internal',
          `the ${result.channel} provider did not accept the message${detail}`,
        );
    });

  const messages = program
    .command('messages')
    .description('the outbox: what was sent, deferred, expired or suppressed, and why');
  withCommon(messages.command('list').description('messages, newest first'))
    .option('--customer <id>', 'one customer')
    .option('--state <state>', MESSAGE_STATES.join(' | '))
    .option('--flow <name>', 'one flow')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (raw: unknown) => {
      const o = parseOptions(
        common.extend({
          customer: z.string().min(1).optional(),
          state: z
            .enum(MESSAGE_STATES, { error: `--state is one of ${MESSAGE_STATES.join(', ')}` })
            .optional(),
          flow: z.string().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(10_000).optional(),
        }),
        raw,
      );
      const c = config(o);
      const { list, timeZone } = await run(o, async (ctx) => ({
        list: await listShopMessages(ctx, {
          shopId: c.shopId,
          ...(o.customer ? { customerId: o.customer } : {}),
          ...(o.state ? { state: o.state } : {}),
          ...(o.flow ? { flow: o.flow } : {}),
          ...(o.limit ? { limit: o.limit } : {}),
        }),
        timeZone: (await ctx.store.requireShop(c.shopId)).timezone,
      }));
      deps.out(o.json ? json(list) : messagesText(list, c.lang, timeZone));
    });
}

const ACTION_ABOUT = {
  activate: 'switch a draft on: triggers count from now',
  pause: 'stop a live flow: runs wait, nothing is sent',
  resume: 'switch a paused flow on again',
  archive: 'end a flow: its runs stop',
} as const;
