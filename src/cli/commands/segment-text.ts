/**
 * What the `nurture segment …` commands print, in Vietnamese or English: the catalogue of their
 * words and the tables and lines built from it. `--json` output is not here: it keeps its keys.
 */
import type { Localized } from '../../domain/analytics/types.js';
import type { Formatter, Lang } from '../../report/format.js';
import { type Catalogue, fill, tr } from '../../report/i18n.js';
import { table } from '../../report/text.js';
import type {
  Explanation,
  MembershipStay,
  RefreshMembershipResult,
  Segment,
  SegmentMember,
} from '../../store/segments/index.js';

/**
 * How a segment command writes for the seller: the language's formatter, and the shop's time zone
 * and currency (times are the shop's wall-clock times, with the zone named).
 */
export interface View {
  f: Formatter;
  timeZone: string;
  currency: string;
}

/** What the segment commands say, in both languages; `--json` keeps its English keys. */
export const T = {
  segment: { vi: 'phân khúc', en: 'segment' },
  builtin: { vi: ' (có sẵn)', en: ' (built-in)' },
  query: { vi: 'truy vấn', en: 'query' },
  about: { vi: 'mô tả', en: 'about' },
  members: { vi: 'thành viên', en: 'members' },
  refreshed: { vi: 'làm mới', en: 'refreshed' },
  refreshedIn: { vi: 'làm mới ({zone})', en: 'refreshed ({zone})' },
  never: { vi: 'chưa bao giờ', en: 'never' },
  changes: { vi: 'thành viên: {entered} vào, {left} ra', en: 'membership: {entered} entered, {left} left' },
  refreshedAll: {
    vi: 'phân khúc: làm mới {segments}, {entered} khách vào, {left} khách ra',
    en: 'segments: {segments} refreshed, {entered} entered, {left} left',
  },
  skipped: { vi: 'bỏ qua {name}: {reason}', en: 'skipped {name}: {reason}' },
  failed: { vi: 'không làm mới được {name}: {reason}', en: 'failed {name}: {reason}' },
  customer: { vi: 'khách hàng', en: 'customer' },
  name: { vi: 'tên', en: 'name' },
  phone: { vi: 'điện thoại', en: 'phone' },
  email: { vi: 'email', en: 'email' },
  orders: { vi: 'đơn', en: 'orders' },
  spent: { vi: 'đã chi', en: 'spent' },
  lastOrder: { vi: 'đơn gần nhất', en: 'last order' },
  entered: { vi: 'vào', en: 'entered' },
  left: { vi: 'ra', en: 'left' },
  enteredIn: { vi: 'vào lúc ({zone})', en: 'entered ({zone})' },
  leftIn: { vi: 'ra lúc ({zone})', en: 'left ({zone})' },
  created: { vi: 'đã tạo', en: 'created' },
  updated: { vi: 'đã cập nhật', en: 'updated' },
  deleted: { vi: 'đã xoá {name}', en: 'deleted {name}' },
  neverFilled: {
    vi: 'Phân khúc chưa từng được làm mới toàn bộ hiện –: `nurture segment refresh` sẽ điền số.',
    en: 'Segments never refreshed in full show –: `nurture segment refresh` fills them.',
  },
  sized: { vi: '{name}: {n} thành viên', en: '{name}: {n} members' },
  matches: { vi: '{n} khách hàng', en: '{n} customers' },
  wrote: {
    vi: 'đã ghi {file}: {rows} dòng ({format}); bỏ ra {withoutConsent} khách chưa đồng ý nhận tiếp thị',
    en: 'wrote {file}: {rows} rows ({format}); left out {withoutConsent} without marketing consent',
  },
  withoutContact: {
    vi: ', {n} khách không có điện thoại hay e-mail',
    en: ', {n} without phone or e-mail',
  },
} as const satisfies Catalogue;

/** The labels of `segment explain`; "sql" and the parameters' `$n` stay as the database reads them. */
const EXPLAIN = {
  query: { vi: 'truy vấn: {query}', en: 'query: {query}' },
  asOf: {
    vi: 'tính đến: {at} (hôm nay là {today} theo {zone})',
    en: 'as of: {at} (today {today} in {zone})',
  },
  tree: { vi: 'cây cú pháp:', en: 'tree:' },
  resolved: { vi: 'ngày tương đối đã quy ra ngày:', en: 'resolved:' },
  sql: { vi: 'sql:', en: 'sql:' },
  params: { vi: 'tham số:', en: 'params:' },
} as const satisfies Catalogue;

/** A query's parsed tree, the tree with its relative dates resolved, its SQL and its parameters. */
export function explainText(e: Explanation, lang: Lang): string {
  return [
    fill(EXPLAIN.query, lang, { query: e.query }),
    fill(EXPLAIN.asOf, lang, { at: e.asOf.toISOString(), today: e.today, zone: e.timeZone }),
    '',
    tr(EXPLAIN.tree, lang),
    e.tree,
    '',
    tr(EXPLAIN.resolved, lang),
    e.resolvedTree,
    '',
    tr(EXPLAIN.sql, lang),
    e.sql,
    '',
    tr(EXPLAIN.params, lang),
    ...e.params.map((p, i) => `  $${i + 1} = ${JSON.stringify(p)}`),
    '',
  ].join('\n');
}

/** A segment as label/value lines, the labels padded to one column. */
export function segmentLines(s: Segment, v: View): string {
  const lang = v.f.lang;
  const lines: [Localized, string][] = [
    [T.segment, `${s.name}${s.builtin ? tr(T.builtin, lang) : ''}`],
    [T.query, s.query],
    ...(s.description ? [[T.about, s.description] as [Localized, string]] : []),
    [T.members, v.f.count(s.members)],
    [T.refreshed, s.refreshedAt ? v.f.zonedDateTime(s.refreshedAt, v.timeZone) : tr(T.never, lang)],
  ];
  const width = Math.max(...lines.map(([label]) => tr(label, lang).length));
  return lines.map(([label, value]) => `${tr(label, lang).padEnd(width)} ${value}`).join('\n');
}

/** "thành viên: 12 vào, 3 ra": what a change to one segment did to its membership. */
export function changesLine(r: RefreshMembershipResult | null, f: Formatter): string {
  if (!r) return '';
  return `${fill(T.changes, f.lang, { entered: f.count(r.entered), left: f.count(r.exited) })}\n`;
}

/** The report of a full refresh that another command ran (analyze, predict, demo), for stderr. */
export function segmentsRefreshedText(r: RefreshMembershipResult, f: Formatter): string {
  const counts = { segments: f.count(r.segments), entered: f.count(r.entered), left: f.count(r.exited) };
  return `${fill(T.refreshedAll, f.lang, counts)}\n${problemLines(r, f.lang)}`;
}

/**
 * Segments a refresh left as they were: queries that no longer parse, queries the database failed
 * to run. The reason is the parser's or the database's own words.
 */
export function problemLines(r: RefreshMembershipResult, lang: Lang): string {
  return [
    ...r.skipped.map((s) => `${fill(T.skipped, lang, { name: s.name, reason: s.reason })}\n`),
    ...r.failed.map((s) => `${fill(T.failed, lang, { name: s.name, reason: s.reason })}\n`),
  ].join('');
}

/** A segment's current members: who they are, what they bought, when they entered (shop time). */
export function membersTable(members: readonly SegmentMember[], v: View): string {
  const name = (m: SegmentMember) => [m.lastName, m.firstName].filter(Boolean).join(' ');
  const lang = v.f.lang;
  return table(
    [
      ...[T.customer, T.name, T.phone, T.email, T.orders, T.spent, T.lastOrder].map((h) => tr(h, lang)),
      fill(T.enteredIn, lang, { zone: v.timeZone }),
    ],
    members.map((m) => [
      m.customerId,
      name(m),
      m.phone ?? '',
      m.email ?? '',
      v.f.count(m.orders),
      v.f.money(m.amountSpent, v.currency),
      m.lastOrderDate ?? '',
      v.f.dateTime(m.enteredAt, v.timeZone),
    ]),
    [false, false, false, false, true, true, false, false],
  );
}

/** Entries and exits, the times in the shop's zone (named in the headers). */
export function historyTable(rows: readonly MembershipStay[], v: View): string {
  const t = (d: Date | null) => (d ? v.f.dateTime(d, v.timeZone) : '');
  const lang = v.f.lang;
  return table(
    [
      ...[T.customer, T.name, T.phone, T.email].map((h) => tr(h, lang)),
      fill(T.enteredIn, lang, { zone: v.timeZone }),
      fill(T.leftIn, lang, { zone: v.timeZone }),
    ],
    rows.map((r) => [
      r.customerId,
      r.name ?? '',
      r.phone ?? '',
      r.email ?? '',
      t(r.enteredAt),
      t(r.exitedAt),
    ]),
    [false, false, false, false, false, false],
  );
}
