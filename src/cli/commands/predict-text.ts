/**
 * `nurture predict`'s human-readable report, in Vietnamese or English: the fits, which model and
 * why, the totals with the shop's predictive interval, who has no next-order date and why, the
 * notes on how far to trust the numbers, and the validation's calibration of the intervals.
 */

import type { TransactionModelName, ValidationReport } from '../../domain/clv/index.js';
import { assertNever } from '../../errors.js';
import { formatterFor } from '../../report/format.js';
import type { Catalogue } from '../../report/i18n.js';
import { formatCurrency, type Lang } from '../../report/labels.js';
import type { ModelChoice, PredictionNote } from '../../store/clv/choose-model.js';
import type { PredictResult } from '../../store/clv/predict-shop.js';

const L = {
  head: { vi: 'Dự đoán CLV', en: 'CLV predictions' },
  asOf: { vi: 'tính đến hết ngày', en: 'as of the end of' },
  customers: { vi: 'khách hàng', en: 'customers' },
  spend: { vi: 'Gamma-Gamma (giá trị đơn)', en: 'Gamma-Gamma (order value)' },
  pAlive: { vi: 'Xác suất còn là khách (TB)', en: 'Mean P(alive)' },
  expected: { vi: 'Số đơn dự kiến 30 / 90 / 365 ngày', en: 'Expected orders in 30 / 90 / 365 days' },
  orders365: {
    vi: 'Tổng số đơn 365 ngày tới, khoảng dự báo',
    en: 'Orders in the next 365 days, predictive interval',
  },
  clv: { vi: 'Tổng CLV dự đoán', en: 'Total predicted CLV' },
  months: { vi: 'tháng', en: 'months' },
  noClv: { vi: 'không có CLV (thiếu dữ liệu giá trị đơn)', en: 'no CLV (not enough order values)' },
  written: { vi: 'đã ghi vào customer_predictions, lượt', en: 'written to customer_predictions, run' },
  holdout: { vi: 'Kiểm định: số lần mua trong giai đoạn kiểm tra', en: 'Validation: holdout purchases' },
  actual: { vi: 'thực tế', en: 'actual' },
  expectedWord: { vi: 'dự đoán', en: 'expected' },
  unit: { vi: 'đơn vị', en: 'unit' },
  model: { vi: 'Mô hình', en: 'Model' },
  prior: { vi: 'Co rút cho cửa hàng nhỏ', en: 'Small-shop prior' },
  on: { vi: 'bật', en: 'on' },
  off: { vi: 'tắt', en: 'off' },
  warning: { vi: 'cảnh báo', en: 'warning' },
  note: { vi: 'lưu ý', en: 'note' },
  day: { vi: 'ngày', en: 'day' },
  week: { vi: 'tuần', en: 'week' },
  notAvailable: { vi: 'không có', en: 'n/a' },
} as const satisfies Catalogue;

const MODEL_NAMES: Record<TransactionModelName, string> = {
  bgnbd: 'BG/NBD',
  mbgnbd: 'MBG/NBD',
  pnbd: 'Pareto/NBD',
  nbd: 'NBD',
};

// Every number goes through the language's one formatter (report/format.ts).
const num = (v: number, lang: Lang, digits = 1): string => formatterFor(lang).decimal(v, digits);
const count = (v: number, lang: Lang): string => formatterFor(lang).count(v);
const pct = (v: number, lang: Lang): string => formatterFor(lang).percent(v, 0);

function paramLines(
  params: Record<string, number>,
  errors: Record<string, number | null>,
  lang: Lang,
): string[] {
  return Object.entries(params).map(([k, v]) => {
    const se = errors[k];
    const sd = se === null || se === undefined ? L.notAvailable[lang] : num(se, lang, 4);
    return `  ${k.padEnd(6)} ${num(v, lang, 4).padStart(14)}  ± ${sd}`;
  });
}

/** Which model, and why — with every candidate's holdout score when there was a comparison. */
export function choiceLines(c: ModelChoice, lang: Lang): string[] {
  const name = MODEL_NAMES[c.model];
  const why = ((): string => {
    switch (c.modelBy) {
      case 'holdout':
        return lang === 'vi'
          ? 'dự báo tốt nhất trên giai đoạn kiểm tra của chính cửa hàng'
          : "best predictions on the shop's own holdout";
      case 'forced':
        return lang === 'vi' ? 'chọn bằng --model' : 'chosen with --model';
      case 'default':
        return lang === 'vi'
          ? `mặc định: ${c.noHoldout === 'small_calibration' ? 'giai đoạn hiệu chỉnh quá ít khách để so sánh' : 'lịch sử quá ngắn để so sánh các mô hình'}`
          : `the default: ${c.noHoldout === 'small_calibration' ? 'too few customers before the holdout to compare models' : 'the history is too short to compare models'}`;
      default:
        return assertNever(c.modelBy);
    }
  })();
  const out = [`${L.model[lang]}: ${name} — ${why}`];
  const h = c.holdout;
  if (h !== null) {
    out.push(
      lang === 'vi'
        ? `  tiêu chí: điểm log dự báo (log xác suất mô hình gán cho số đơn thực tế của mỗi khách trong ${count(h.holdoutDays, lang)} ngày sau ${h.calibrationEnd}, trung bình trên ${count(h.customers, lang)} khách; cao hơn là tốt hơn)`
        : `  metric: holdout log score (the log-probability each model gave to every customer's actual orders in the ${count(h.holdoutDays, lang)} days after ${h.calibrationEnd}, averaged over ${count(h.customers, lang)} customers; higher is better)`,
    );
    for (const k of h.candidates) {
      const label = `${MODEL_NAMES[k.model]}${k.prior ? (lang === 'vi' ? ' + co rút' : ' + prior') : ''}`;
      const chosen = k.model === c.model && k.prior === c.prior ? ' ←' : '';
      out.push(
        k.kind === 'scored'
          ? `  ${label.padEnd(22)} ${num(k.logScore, lang, 4).padStart(9)}   ${L.expectedWord[lang]} ${num(k.expectedTotal, lang)} / ${L.actual[lang]} ${count(k.actualTotal, lang)}${chosen}`
          : `  ${label.padEnd(22)} ${lang === 'vi' ? 'không khớp được' : 'could not be fitted'}: ${k.reason}`,
      );
    }
  }
  const priorWhy = ((): string => {
    switch (c.priorBy) {
      case 'holdout':
        return lang === 'vi' ? 'theo kết quả trên giai đoạn kiểm tra' : 'as the holdout decided';
      case 'forced':
        return lang === 'vi' ? 'chọn bằng --prior' : 'chosen with --prior';
      case 'penalizer':
        return lang === 'vi' ? 'đã có --penalizer' : '--penalizer given';
      case 'shop_size':
        return lang === 'vi' ? 'không cần từ 1.000 khách trở lên' : 'not needed from 1,000 customers on';
      case 'default':
        return lang === 'vi'
          ? 'mặc định khi không có giai đoạn kiểm tra (docs/clv.md)'
          : 'the default without a holdout (docs/clv.md)';
      default:
        return assertNever(c.priorBy);
    }
  })();
  out.push(`${L.prior[lang]}: ${c.prior ? L.on[lang] : L.off[lang]} (${priorWhy})`);
  return out;
}

/** A note in the reader's language. */
export function noteText(n: PredictionNote, lang: Lang): string {
  switch (n.code) {
    case 'few_repeat_buyers':
      return lang === 'vi'
        ? `chỉ ${count(n.repeatBuyers, lang)} trong ${count(n.customers, lang)} khách đã mua lại: tốc độ mua được ước lượng từ ít người, hãy đọc các khoảng dự báo`
        : `only ${count(n.repeatBuyers, lang)} of ${count(n.customers, lang)} customers bought again: purchase rates rest on few people, read the predictive intervals`;
    case 'one_time_churn_unidentified':
      return lang === 'vi'
        ? `${MODEL_NAMES[n.model]} coi ${count(n.oneTimeBuyers, lang)} khách mới mua một lần là chắc chắn còn là khách: xác suất rời bỏ của họ không có ý nghĩa`
        : `${MODEL_NAMES[n.model]} treats the ${count(n.oneTimeBuyers, lang)} one-time buyers as certainly still customers: their churn probability means nothing`;
    case 'no_model_comparison':
      return lang === 'vi'
        ? 'không so sánh được các mô hình trên lịch sử của cửa hàng; dự đoán dùng mô hình mặc định'
        : "the models could not be compared on the shop's history; predictions use the default model";
    default:
      return assertNever(n);
  }
}

/** The validation's totals and the calibration of the predictive intervals. */
export function validationLines(v: ValidationReport, lang: Lang): string[] {
  const t = v.totals;
  const iv = v.intervals;
  const level = pct(iv.level, lang);
  const inside = t.inside ? (lang === 'vi' ? 'nằm trong' : 'inside') : lang === 'vi' ? 'NGOÀI' : 'OUTSIDE';
  return [
    `${L.holdout[lang]} ${v.calibrationEnd} → ${v.observationEnd}: ${L.actual[lang]} ${count(t.actualHoldout, lang)}, ${L.expectedWord[lang]} ${num(t.expectedHoldout, lang)}; ${lang === 'vi' ? 'khoảng dự báo' : 'predictive interval'} ${level} [${count(t.interval.low, lang)}, ${count(t.interval.high, lang)}]: ${inside}`,
    lang === 'vi'
      ? `Độ phủ của khoảng dự báo ${level} từng khách: ${pct(iv.coverage, lang)} khách có số đơn thực tế nằm trong khoảng (mô hình dự kiến ${pct(iv.predictedCoverage, lang)})`
      : `Coverage of the customers' ${level} predictive intervals: ${pct(iv.coverage, lang)} of customers' actual orders fell inside (the model expected ${pct(iv.predictedCoverage, lang)})`,
    `  ${lang === 'vi' ? 'theo số lần mua lại' : 'by repeat purchases'}: ${v.byFrequency.map((g) => `${g.frequency}: ${pct(g.coverage, lang)}`).join(', ')}`,
  ];
}

/** Human-readable report of a run. */
export function formatPredictResult(r: PredictResult, lang: Lang, currency = 'VND'): string {
  const out = [
    `${L.head[lang]} — ${r.shopId}, ${L.asOf[lang]} ${r.asOf}: ${count(r.customers, lang)} ${L.customers[lang]}`,
    ...choiceLines(r.choice, lang),
    `${MODEL_NAMES[r.model]} (${L.unit[lang]} ${L[r.unit][lang]})`,
    ...paramLines(r.transaction.params, r.transaction.standardErrors, lang),
  ];
  if (r.spend) out.push(L.spend[lang], ...paramLines(r.spend.params, r.spend.standardErrors, lang));
  const t = r.totals;
  out.push(
    `${L.pAlive[lang]}: ${num(t.meanPAlive, lang, 3)}`,
    `${L.expected[lang]}: ${num(t.expectedPurchases30, lang)} / ${num(t.expectedPurchases90, lang)} / ${num(t.expectedPurchases365, lang)}`,
    `${L.orders365[lang]} ${pct(r.intervalLevel, lang)}: [${count(t.orders365.low, lang)}, ${count(t.orders365.high, lang)}]`,
    lang === 'vi'
      ? `Ngày mua tiếp theo: ${count(t.nextOrder.dated, lang)} khách có ngày dự kiến; không dự kiến: ${count(t.nextOrder.lapsed, lang)} (có lẽ đã rời bỏ), ${count(t.nextOrder.beyondYear, lang)} (không trong 12 tháng tới)`
      : `Next order: ${count(t.nextOrder.dated, lang)} customers have an expected date; not expected: ${count(t.nextOrder.lapsed, lang)} (probably lapsed), ${count(t.nextOrder.beyondYear, lang)} (not within a year)`,
    t.clv === null
      ? L.noClv[lang]
      : `${L.clv[lang]} (${r.clvMonths} ${L.months[lang]}): ${formatCurrency(t.clv, currency, lang)}`,
    `${L.written[lang]} ${r.runId}`,
  );
  if (r.validation) out.push(...validationLines(r.validation, lang));
  for (const n of r.notes) out.push(`${L.note[lang]}: ${noteText(n, lang)}`);
  for (const w of r.warnings) out.push(`${L.warning[lang]}: ${w}`);
  return `${out.join('\n')}\n`;
}
