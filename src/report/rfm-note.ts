import type { RfmGrid } from '../domain/analytics/types.js';
import { formatKpi, type Lang } from './labels.js';

/**
 * Why RFM frequency columns are empty, in the report's language, or undefined when none is.
 *
 * Not a binning error: F is a quintile of the number of orders, and customers with the same number
 * share the score of the lowest place of their block (docs/analytics.md, Scores). In a shop where
 * most buyers ordered once, that block is F1 and spans the places of F2 and F3 too, so the next
 * number of orders scores F4 and F2–F3 stay empty. Splitting equal counts apart to fill them would
 * give two identical customers different scores.
 */
export function rfmGridNote(grid: RfmGrid, lang: Lang): string | undefined {
  const columns = [1, 2, 3, 4, 5].map((f) =>
    grid.cells.filter((c) => c.f === f).reduce((n, c) => n + c.customers, 0),
  );
  const empty = columns.flatMap((n, i) => (n === 0 ? [i + 1] : []));
  if (grid.scoredCustomers === 0 || empty.length === 0) return undefined;
  const list = empty.map((f) => `F${f}`).join(', ');
  const next = columns.findIndex((n, i) => i > 0 && n > 0) + 1;
  const afterFirst = columns[0]! > 0 && next > 0 && empty.every((f) => f > 1 && f < next);
  if (afterFirst) {
    const share = formatKpi(columns[0]! / grid.scoredCustomers, 'rate', 'VND', lang);
    return lang === 'vi'
      ? `${list} trống: khách có cùng số đơn nhận cùng một điểm F, và ${share} khách mua có ít đơn nhất đều được F1, nên số đơn kế tiếp được F${next}. Đây không phải lỗi: F chỉ chia khách mua thành năm phần khi số đơn của họ khác nhau.`
      : `${list} ${empty.length === 1 ? 'is' : 'are'} empty: customers with the same number of orders share one F score, and the ${share} of buyers with the fewest orders all score F1, so the next number of orders scores F${next}. Not an error: F splits buyers into fifths only where their numbers of orders differ.`;
  }
  return lang === 'vi'
    ? `${list} trống: khách có cùng số đơn nhận cùng một điểm F, nên một số đơn mà hơn một phần năm khách mua cùng có sẽ bỏ trống các điểm nó trùm lên.`
    : `${list} ${empty.length === 1 ? 'is' : 'are'} empty: customers with the same number of orders share one F score, so a number of orders held by more than a fifth of the buyers leaves the scores it spans empty.`;
}
