/**
 * `nurture referrals list` (refused ones with their reasons, and the KPIs), `nurture tasks list |
 * done ID | skip ID | add`, and `nurture feedback report`: the referral programme, the staff task
 * queue and the NPS / ratings summary (docs/loyalty.md).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { feedbackReport } from '../../app/feedback.js';
import { listReferrals, referralKpis } from '../../app/referrals.js';
import { closeStaffTask, createStaffTask, listStaffTasks, type TaskView } from '../../app/tasks.js';
import { REFERRAL_STATES } from '../../domain/referrals.js';
import { formatterFor, type Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { listTable, table } from '../../report/text.js';
import { TASK_STATES } from '../../store/tasks/index.js';
import { type CliDeps, withContext } from '../context.js';
import { common, jsonText, parseOptions, withCommon } from '../options.js';

const T = {
  friend: { vi: 'Người được giới thiệu', en: 'Friend' },
  referrer: { vi: 'Người giới thiệu', en: 'Referrer' },
  source: { vi: 'Nguồn', en: 'Source' },
  state: { vi: 'Trạng thái', en: 'State' },
  reason: { vi: 'Lý do', en: 'Reason' },
  when: { vi: 'Lúc', en: 'When' },
  noReferrals: { vi: '(chưa có lượt giới thiệu nào)', en: '(no referrals)' },
  kpis: {
    vi: 'Khách được giới thiệu: {referred} · đã thưởng: {converted} · bị từ chối/hủy: {refused} · doanh thu mỗi khách được giới thiệu: {rpc} · tỷ trọng doanh thu của người giới thiệu: {share}',
    en: 'Referred customers: {referred} · rewarded: {converted} · refused/cancelled: {refused} · revenue per referred customer: {rpc} · referrers’ share of revenue: {share}',
  },
  task: { vi: 'Việc', en: 'Task' },
  customer: { vi: 'Khách hàng', en: 'Customer' },
  due: { vi: 'Hạn', en: 'Due' },
  overdue: { vi: 'QUÁ HẠN', en: 'OVERDUE' },
  assignee: { vi: 'Người làm', en: 'Assignee' },
  noTasks: { vi: '(không có việc nào)', en: '(no tasks)' },
  closed: { vi: 'Việc {id}: {state}.', en: 'Task {id}: {state}.' },
  added: { vi: 'Đã tạo việc {id}.', en: 'Created task {id}.' },
  nps: {
    vi: 'NPS {days} ngày qua: {nps} ({responses} câu trả lời)',
    en: 'NPS over {days} days: {nps} ({responses} answers)',
  },
  segment: { vi: 'Phân khúc', en: 'Segment' },
  answers: { vi: 'Câu trả lời', en: 'Answers' },
} as const satisfies Catalogue;

const referralListSchema = common.extend({
  state: z.enum(REFERRAL_STATES, { error: `one of ${REFERRAL_STATES.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const taskListSchema = common.extend({
  state: z.enum(TASK_STATES, { error: `one of ${TASK_STATES.join(', ')}` }).optional(),
  customer: z.string().min(1).optional(),
  assignee: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const closeSchema = common.extend({ note: z.string().max(4000).optional() });
const addSchema = common.extend({
  customer: z.string().min(1),
  title: z.string().min(1),
  note: z.string().optional(),
  assignee: z.string().optional(),
  dueIn: z.coerce.number({ error: '--due-in is hours' }).min(0).optional(),
});
const reportSchema = common.extend({ days: z.coerce.number().int().min(1).max(3650).optional() });

export function registerReferralCommands(program: Command, deps: CliDeps): void {
  const referrals = program
    .command('referrals')
    .description('the referral programme: who referred whom, refusals and why');
  withCommon(
    referrals
      .command('list')
      .description('referrals, newest first, refused ones with their reason; and the KPIs'),
  )
    .option('--state <state>', `only this state: ${REFERRAL_STATES.join(', ')}`)
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (raw: unknown) => {
      const o = parseOptions(referralListSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const lang = config.lang;
      const r = await withContext(
        deps,
        flags,
        async (ctx) => ({
          ...(await listReferrals(ctx, { shopId: config.shopId, state: o.state, limit: o.limit })),
          kpis: await referralKpis(ctx, { shopId: config.shopId }),
        }),
        'existing',
      );
      if (o.json) {
        deps.out(jsonText({ referrals: r.referrals, kpis: r.kpis }));
        return;
      }
      const f = formatterFor(lang);
      const body = listTable(
        r.referrals,
        [
          {
            header: tr(T.friend, lang),
            cell: (x) => (x.friendName ? `${x.friendName} (${x.friendId})` : x.friendId),
          },
          {
            header: tr(T.referrer, lang),
            cell: (x) =>
              x.referrerName ? `${x.referrerName} (${x.referrerId ?? ''})` : (x.referrerId ?? ''),
          },
          { header: tr(T.source, lang), cell: (x) => `${x.source}${x.code ? ` ${x.code}` : ''}` },
          { header: tr(T.state, lang), cell: (x) => x.state },
          { header: tr(T.reason, lang), cell: (x) => (x.reasonText ? tr(x.reasonText, lang) : '') },
          { header: tr(T.when, lang), cell: (x) => f.dateTime(x.attributedAt, r.shop.timezone) },
        ],
        tr(T.noReferrals, lang),
      );
      deps.out(
        `${body}${fill(T.kpis, lang, {
          referred: String(r.kpis.referredCustomers),
          converted: String(r.kpis.converted),
          refused: String(r.kpis.refused),
          rpc: f.money(r.kpis.revenuePerReferredCustomer, r.shop.currency),
          share: `${(r.kpis.referrersShareOfRevenue * 100).toFixed(1)} %`,
        })}\n`,
      );
    });

  const tasks = program.command('tasks').description('the staff task queue: calls, gifts and notes to do');
  withCommon(tasks.command('list').description('open tasks by due date (overdue marked), then closed ones'))
    .option('--state <state>', `only this state: ${TASK_STATES.join(', ')}`)
    .option('--customer <id>', "only this customer's tasks")
    .option('--assignee <name>', "only this person's tasks")
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (raw: unknown) => {
      const o = parseOptions(taskListSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const r = await withContext(
        deps,
        flags,
        (ctx) =>
          listStaffTasks(ctx, {
            shopId: config.shopId,
            state: o.state,
            customerId: o.customer,
            assignee: o.assignee,
            limit: o.limit,
          }),
        'existing',
      );
      if (o.json) {
        deps.out(jsonText({ tasks: r.tasks, open: r.open, overdue: r.overdue }));
        return;
      }
      deps.out(taskTable(r.tasks, r.timezone, config.lang));
    });

  for (const state of ['done', 'skipped'] as const)
    withCommon(
      tasks
        .command(state === 'done' ? 'done' : 'skip')
        .description(state === 'done' ? 'mark a task done, with a note' : 'skip a task, with a note (why)')
        .argument('<id>', 'the task id'),
    )
      .option('--note <text>', 'what was done, or why it was skipped')
      .action(async (id: string, raw: unknown) => {
        const o = parseOptions(closeSchema, raw);
        const flags = { db: o.db, shop: o.shop, lang: o.lang };
        const config = deps.config(flags);
        const t = await withContext(
          deps,
          flags,
          (ctx) => closeStaffTask(ctx, { shopId: config.shopId, taskId: id, state, note: o.note }),
          'existing',
        );
        deps.out(o.json ? jsonText(t) : `${fill(T.closed, config.lang, { id: t.taskId, state: t.state })}\n`);
      });

  withCommon(tasks.command('add').description('a task by hand for a customer'))
    .requiredOption('--customer <id>', 'the customer id')
    .requiredOption('--title <text>', 'what to do')
    .option('--note <text>', 'details')
    .option('--assignee <name>', 'who does it')
    .option('--due-in <hours>', 'due in this many hours')
    .action(async (raw: unknown) => {
      const o = parseOptions(addSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const t = await withContext(
        deps,
        flags,
        (ctx) =>
          createStaffTask(ctx, {
            shopId: config.shopId,
            customerId: o.customer,
            title: o.title,
            note: o.note,
            assignee: o.assignee,
            dueInHours: o.dueIn,
          }),
        'existing',
      );
      deps.out(o.json ? jsonText(t) : `${fill(T.added, config.lang, { id: t.taskId })}\n`);
    });

  const feedback = program
    .command('feedback')
    .description('NPS and ratings: answers, per segment and per product');
  withCommon(feedback.command('report').description('NPS overall and per segment, product ratings'))
    .option('--days <n>', 'the last this many days (default 90)')
    .action(async (raw: unknown) => {
      const o = parseOptions(reportSchema, raw);
      const flags = { db: o.db, shop: o.shop, lang: o.lang };
      const config = deps.config(flags);
      const lang = config.lang;
      const r = await withContext(
        deps,
        flags,
        (ctx) => feedbackReport(ctx, { shopId: config.shopId, days: o.days }),
        'existing',
      );
      if (o.json) {
        deps.out(jsonText(r));
        return;
      }
      const days = String(o.days ?? 90);
      const segments = table(
        [tr(T.segment, lang), 'NPS', tr(T.answers, lang)],
        r.segments.map((s) => [s.segment, s.nps === null ? '—' : String(s.nps), String(s.responses)]),
        [false, true, true],
      );
      const ratings = table(
        ['SKU', '★', tr(T.answers, lang)],
        r.ratings.map((x) => [x.sku ?? '—', x.average.toFixed(1), String(x.ratings)]),
        [false, true, true],
      );
      deps.out(
        `${fill(T.nps, lang, { days, nps: r.nps === null ? '—' : String(r.nps), responses: String(r.responses) })}\n\n${segments}\n\n${ratings}\n`,
      );
    });
}

function taskTable(tasks: readonly TaskView[], timeZone: string, lang: Lang): string {
  const f = formatterFor(lang);
  return listTable(
    tasks,
    [
      { header: 'ID', cell: (t) => t.taskId },
      { header: tr(T.task, lang), cell: (t) => t.title },
      {
        header: tr(T.customer, lang),
        cell: (t) => [t.customerName, t.customerPhone].filter(Boolean).join(' ') || t.customerId,
      },
      {
        header: tr(T.due, lang),
        cell: (t) =>
          t.dueAt ? `${f.dateTime(t.dueAt, timeZone)}${t.overdue ? ` ${tr(T.overdue, lang)}` : ''}` : '',
      },
      { header: tr(T.state, lang), cell: (t) => (t.doneNote ? `${t.state}: ${t.doneNote}` : t.state) },
      { header: tr(T.assignee, lang), cell: (t) => t.assignee ?? '' },
    ],
    tr(T.noTasks, lang),
  );
}
