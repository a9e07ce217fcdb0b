/**
 * The flow pages' words (vi/en): states, triggers, steps, entry policies and exit conditions
 * said as a seller reads them ("Chờ 7 ngày, đến 09:00", "Gửi SMS", "Tạo mã giảm giá 10 %").
 */
import type { FlowDocument, PropertyFilterValue, Step, Trigger } from '../../../domain/flows/schema.js';
import { assertNever } from '../../../errors.js';
import { couponOffer } from '../../../report/coupons.js';
import type { Formatter } from '../../../report/format.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';

export const STATE_LABELS = {
  draft: { vi: 'Nháp', en: 'Draft' },
  live: { vi: 'Đang chạy', en: 'Live' },
  paused: { vi: 'Tạm dừng', en: 'Paused' },
  archived: { vi: 'Đã lưu trữ', en: 'Archived' },
} as const satisfies Catalogue;

export const CHANNEL_LABELS = {
  email: { vi: 'E-mail', en: 'E-mail' },
  sms: { vi: 'SMS', en: 'SMS' },
  zalo: { vi: 'Zalo ZNS', en: 'Zalo ZNS' },
  messenger: { vi: 'Messenger', en: 'Messenger' },
  webhook: { vi: 'Webhook', en: 'Webhook' },
  popup: { vi: 'Popup trên web', en: 'Onsite popup' },
} as const satisfies Catalogue;

const W = {
  m: { vi: '{n} phút', en: '{n} min' },
  h: { vi: '{n} giờ', en: '{n} h' },
  d: { vi: '{n} ngày', en: '{n} days' },
  d1: { vi: '1 ngày', en: '1 day' },
  w: { vi: '{n} tuần', en: '{n} weeks' },
  w1: { vi: '1 tuần', en: '1 week' },
  segmentEntered: { vi: 'Khách vào phân khúc {s}', en: 'A customer enters segment {s}' },
  segmentExited: { vi: 'Khách rời phân khúc {s}', en: 'A customer leaves segment {s}' },
  event: { vi: 'Khách thực hiện "{e}"', en: 'A customer performs "{e}"' },
  where: { vi: ' với {f}', en: ' with {f}' },
  unless: {
    vi: ', trừ khi có "{e}" trong vòng {d}',
    en: ', unless "{e}" follows within {d}',
  },
  order: { vi: 'Đơn hàng {s}', en: 'An order is {s}' },
  skus: { vi: ' (có mã {list})', en: ' (with SKU {list})' },
  categories: { vi: ' (thuộc nhóm {list})', en: ' (in category {list})' },
  date: { vi: '{p}{o}, lúc {at}', en: '{p}{o}, at {at}' },
  before: { vi: ' trừ {n} ngày', en: ' minus {n} days' },
  after: { vi: ' cộng {n} ngày', en: ' plus {n} days' },
  inSegment: { vi: ', khách trong {s}', en: ', customers in {s}' },
  broadcast: { vi: 'Gửi một lần cho {s} lúc {at}', en: 'Once to {s} at {at}' },
  schedule: { vi: 'Theo lịch "{cron}" (giờ shop) cho {s}', en: 'On schedule "{cron}" (shop time) for {s}' },
  wait: { vi: 'Chờ {d}', en: 'Wait {d}' },
  waitAt: { vi: 'Chờ {d}, đến {at}', en: 'Wait {d}, until {at}' },
  waitUntilTime: { vi: 'Chờ đến {at}', en: 'Wait until {at}' },
  waitUntilDate: { vi: 'Chờ đến {p}{o}, {at}', en: 'Wait until {p}{o}, {at}' },
  waitForEvent: { vi: 'Chờ "{e}" tối đa {d}', en: 'Wait up to {d} for "{e}"' },
  condition: { vi: 'Nếu {q}', en: 'If {q}' },
  split: { vi: 'Chia ngẫu nhiên', en: 'Random split' },
  send: { vi: 'Gửi {c}', en: 'Send {c}' },
  sendOr: { vi: ' hoặc ', en: ' or ' },
  transactional: { vi: ' (giao dịch)', en: ' (transactional)' },
  coupon: { vi: 'Tạo mã giảm giá {offer}', en: 'Create a coupon: {offer}' },
  couponFree: { vi: 'Tạo mã {offer}', en: 'Create a coupon: {offer}' },
  validFor: { vi: ', dùng trong {d}', en: ', valid {d}' },
  tagAdd: { vi: 'Gắn thẻ {t}', en: 'Add tag {t}' },
  tagRemove: { vi: 'Bỏ thẻ {t}', en: 'Remove tag {t}' },
  setAttribute: { vi: 'Đặt {name} = {value}', en: 'Set {name} = {value}' },
  task: { vi: 'Việc cho nhân viên: {t}', en: 'Staff task: {t}' },
  exit: { vi: 'Kết thúc', en: 'Exit' },
  onEvent: { vi: 'Có', en: 'Happened' },
  onTimeout: { vi: 'Hết giờ', en: 'Timed out' },
  yes: { vi: 'Đúng', en: 'Yes' },
  no: { vi: 'Sai', en: 'No' },
  once: { vi: 'Mỗi khách vào một lần duy nhất', en: 'Each customer enters once, ever' },
  oncePer: {
    vi: 'Mỗi khách vào lại sau ít nhất {n} ngày',
    en: 'A customer enters again after at least {n} days',
  },
  everyOrder: { vi: 'Mỗi đơn hàng một lượt', en: 'One run per order' },
  everyYear: { vi: 'Mỗi năm một lượt', en: 'One run per year' },
  everyOccurrence: { vi: 'Mỗi lần xảy ra một lượt', en: 'One run per occurrence' },
  exitPlaced: { vi: 'Khách đặt đơn hợp lệ', en: 'The customer places a valid order' },
  exitPerformed: { vi: 'Khách thực hiện "{e}"', en: 'The customer performs "{e}"' },
  exitLeft: { vi: 'Khách rời phân khúc {s}', en: 'The customer leaves segment {s}' },
  exitMatches: { vi: 'Khách khớp điều kiện {q}', en: 'The customer matches {q}' },
} as const satisfies Catalogue;

const ORDER_STATUS = {
  placed: { vi: 'được đặt', en: 'placed' },
  paid: { vi: 'được thanh toán', en: 'paid' },
  delivered: { vi: 'giao thành công', en: 'delivered' },
  failed_delivery: { vi: 'giao thất bại', en: 'failed delivery' },
  refunded: { vi: 'được hoàn tiền', en: 'refunded' },
  cancelled: { vi: 'bị huỷ', en: 'cancelled' },
  returned: { vi: 'bị trả lại', en: 'returned' },
} as const satisfies Catalogue;

const DATE_PROPERTY = {
  birthday: { vi: 'Sinh nhật', en: 'Birthday' },
  first_order_anniversary: { vi: 'Kỷ niệm đơn đầu tiên', en: 'First-order anniversary' },
  expected_next_order: { vi: 'Ngày dự kiến mua lại', en: 'Expected next order date' },
  reorder_due: {
    vi: 'Ngày cần mua lại (chu kỳ của sản phẩm, học từ đơn hàng)',
    en: 'Reorder date (the product’s cycle, learned from the orders)',
  },
} as const satisfies Catalogue;

/** A duration as written in a flow (`7d`, `1d12h`, `24h`) in words. */
export function durationWords(text: string, lang: Lang): string {
  const parts = [...text.matchAll(/(\d+)([mhdw])/g)].map(([, n, unit]) => {
    if (unit === 'd' && n === '1') return tr(W.d1, lang);
    if (unit === 'w' && n === '1') return tr(W.w1, lang);
    return fill(W[unit as 'm' | 'h' | 'd' | 'w'], lang, { n: n ?? '' });
  });
  return parts.length > 0 ? parts.join(' ') : text;
}

const offsetWords = (days: number, lang: Lang) =>
  days < 0 ? fill(W.before, lang, { n: -days }) : days > 0 ? fill(W.after, lang, { n: days }) : '';

const filterWords = (where: Record<string, PropertyFilterValue> | undefined) =>
  where
    ? Object.entries(where)
        .map(([k, v]) =>
          typeof v !== 'object'
            ? `${k} = ${String(v)}`
            : v.min !== undefined && v.max !== undefined
              ? `${v.min} ≤ ${k} ≤ ${v.max}`
              : v.min !== undefined
                ? `${k} ≥ ${v.min}`
                : `${k} ≤ ${v.max}`,
        )
        .join(', ')
    : '';

/** What starts a run, in words. */
export function triggerWords(t: Trigger, lang: Lang): string {
  switch (t.kind) {
    case 'segment_entered':
      return fill(W.segmentEntered, lang, { s: t.segment });
    case 'segment_exited':
      return fill(W.segmentExited, lang, { s: t.segment });
    case 'event':
      return `${fill(W.event, lang, { e: t.event })}${t.where ? fill(W.where, lang, { f: filterWords(t.where) }) : ''}${
        t.unless ? fill(W.unless, lang, { e: t.unless.event, d: durationWords(t.unless.within, lang) }) : ''
      }`;
    case 'order':
      return `${fill(W.order, lang, { s: tr(ORDER_STATUS[t.status], lang) })}${
        t.skus?.length ? fill(W.skus, lang, { list: t.skus.join(', ') }) : ''
      }${t.categories?.length ? fill(W.categories, lang, { list: t.categories.join(', ') }) : ''}`;
    case 'date':
      return `${fill(W.date, lang, { p: tr(DATE_PROPERTY[t.property], lang), o: offsetWords(t.offsetDays, lang), at: t.at })}${
        t.segment ? fill(W.inSegment, lang, { s: t.segment }) : ''
      }`;
    case 'broadcast':
      return fill(W.broadcast, lang, { s: t.segment, at: t.at });
    case 'schedule':
      return fill(W.schedule, lang, { cron: t.cron, s: t.segment });
    default:
      return assertNever(t, 'flow trigger');
  }
}

/** Who may enter again, in words. */
export function entryWords(doc: FlowDocument, lang: Lang): string {
  const e = doc.entry;
  switch (e.policy) {
    case 'once':
      return tr(W.once, lang);
    case 'once_per':
      return fill(W.oncePer, lang, { n: e.days });
    case 'every':
      return tr(e.key === 'order' ? W.everyOrder : e.key === 'year' ? W.everyYear : W.everyOccurrence, lang);
    default:
      return assertNever(e, 'entry policy');
  }
}

/** When a run stops early, one line per condition. */
export function exitWords(doc: FlowDocument, lang: Lang): string[] {
  return doc.exitWhen.map((c) => {
    switch (c.kind) {
      case 'placed_order':
        return tr(W.exitPlaced, lang);
      case 'performed':
        return fill(W.exitPerformed, lang, { e: c.event });
      case 'left_segment':
        return fill(W.exitLeft, lang, { s: c.segment });
      case 'matches':
        return fill(W.exitMatches, lang, { q: c.query });
      default:
        return assertNever(c, 'exit condition');
    }
  });
}

/** A step's kind and settings in words (one line, for a graph node). */
export function stepWords(step: Step, lang: Lang, fmt: Formatter, currency: string): string {
  switch (step.kind) {
    case 'wait':
      return step.at
        ? fill(W.waitAt, lang, { d: durationWords(step.duration, lang), at: step.at })
        : fill(W.wait, lang, { d: durationWords(step.duration, lang) });
    case 'wait_until_time':
      return fill(W.waitUntilTime, lang, { at: step.time });
    case 'wait_until_date':
      return fill(W.waitUntilDate, lang, {
        p: tr(DATE_PROPERTY[step.property], lang).toLowerCase(),
        o: offsetWords(step.offsetDays, lang),
        at: step.at,
      });
    case 'wait_for_event':
      return fill(W.waitForEvent, lang, { e: step.event, d: durationWords(step.timeout, lang) });
    case 'condition':
      return fill(W.condition, lang, { q: step.query });
    case 'split':
      return tr(W.split, lang);
    case 'send':
      return `${fill(W.send, lang, {
        c: step.channels.map((c) => tr(CHANNEL_LABELS[c], lang)).join(tr(W.sendOr, lang)),
      })}${step.promotional ? '' : tr(W.transactional, lang)}`;
    case 'coupon': {
      // "giảm 10 %" reads "Tạo mã giảm giá 10 %"; free shipping "Tạo mã miễn phí vận chuyển".
      const offer = couponOffer(
        {
          kind: step.coupon.kind,
          value: step.coupon.kind === 'free_shipping' ? null : step.coupon.value,
          minOrder: step.coupon.minOrder ?? null,
        },
        currency,
        lang,
        fmt,
      );
      const words =
        lang === 'vi' && offer.startsWith('giảm ')
          ? fill(W.coupon, lang, { offer: offer.slice('giảm '.length) })
          : fill(step.coupon.kind === 'free_shipping' ? W.couponFree : W.coupon, lang, { offer });
      return `${words}${fill(W.validFor, lang, { d: durationWords(step.coupon.validFor, lang) })}`;
    }
    case 'tag':
      return [
        step.add.length ? fill(W.tagAdd, lang, { t: step.add.join(', ') }) : '',
        step.remove.length ? fill(W.tagRemove, lang, { t: step.remove.join(', ') }) : '',
      ]
        .filter(Boolean)
        .join('; ');
    case 'set_attribute':
      return fill(W.setAttribute, lang, { name: step.name, value: String(step.value) });
    case 'task':
      return fill(W.task, lang, { t: step.title });
    case 'exit':
      return tr(W.exit, lang);
    default:
      return assertNever(step, 'flow step');
  }
}

/** A branch's label on the graph: "Có" / "Hết giờ", "Đúng" / "Sai", or a split's name and share. */
export function branchWords(step: Step, branch: string, lang: Lang): string {
  if (step.kind === 'split') {
    const total = step.branches.reduce((s, b) => s + b.weight, 0);
    const b = step.branches.find((x) => x.name === branch);
    return b ? `${b.name} · ${Math.round((b.weight / total) * 100)} %` : branch;
  }
  const key = branch as 'onEvent' | 'onTimeout' | 'yes' | 'no';
  return key in W ? tr(W[key], lang) : branch;
}
