/**
 * Marketing costs (for the cost of acquiring a customer, CAC): one row per channel and month,
 * `channel,month,amount` (or the Vietnamese headers `kênh,tháng,chi phí`). A month is written
 * `2026-10`, `10/2026` or `2026-10-01`; an amount as `1250000`, `1.250.000 ₫` or `1,250,000`.
 * Importing a month and channel again replaces its amount.
 */
import type { MarketingCost } from '../../domain/model/index.js';
import { readCsvRows } from '../csv.js';
import { emptyBatch, type ParsedBatch, type ReadOptions } from '../records.js';
import {
  csvReject,
  emptyFile,
  Header,
  money,
  problem,
  Row,
  rejectOf,
  requireColumns,
  shown,
  text,
  widthProblem,
} from './fields.js';

const COLUMNS = {
  channel: ['channel', 'kênh', 'kenh'],
  month: ['month', 'tháng', 'thang'],
  amount: ['amount', 'cost', 'chi phí', 'chi phi', 'số tiền'],
} as const;

/** "2026-10", "2026-10-01", "10/2026", "10-2026" → "2026-10". */
export function monthOf(raw: string, column: string): string {
  const t = raw.trim();
  const iso = /^(\d{4})-(\d{1,2})(?:-\d{1,2})?$/.exec(t);
  const local = iso ? null : /^(\d{1,2})[/-](\d{4})$/.exec(t);
  const [y, mo] = iso ? [iso[1]!, iso[2]!] : local ? [local[2]!, local[1]!] : ['', ''];
  const month = Number(mo);
  if (y === '' || month < 1 || month > 12)
    return problem(column, `not a month: ${shown(t)} (expected YYYY-MM, e.g. 2026-10, or MM/YYYY)`);
  return `${y}-${String(month).padStart(2, '0')}`;
}

/** Reads a marketing-costs CSV. A (channel, month) given twice in one file is refused. */
export async function* readMarketingCosts(path: string, options: ReadOptions): AsyncGenerator<ParsedBatch> {
  const batchSize = options.batchSize ?? 4096;
  let header: Header | undefined;
  let c: { channel: number; month: number; amount: number } | undefined;
  const seen = new Map<string, number>();
  let batch = emptyBatch();
  for await (const chunk of readCsvRows(path, { header: true })) {
    const { rows, problems } = chunk;
    let p = 0;
    const unreadable = (before: number) => {
      for (; p < problems.length && problems[p]!.line < before; p++) {
        batch.rejects.push(csvReject(problems[p]!, header));
        batch.rowsRead++;
      }
    };
    for (let r = 0; r < rows.length; r++) {
      unreadable(rows.line(r));
      const row = new Row(rows, r, rows.line(r));
      if (header === undefined || c === undefined) {
        header = new Header(rows.fields(r));
        requireColumns(path, header, [COLUMNS.channel, COLUMNS.month, COLUMNS.amount]);
        c = {
          channel: header.find(...COLUMNS.channel),
          month: header.find(...COLUMNS.month),
          amount: header.find(...COLUMNS.amount),
        };
        continue;
      }
      batch.rowsRead++;
      try {
        const width = widthProblem(row.width, header);
        if (width !== undefined) throw width;
        const channel =
          text(row.get(c.channel))?.toLowerCase() ?? problem(header.name(c.channel), 'channel is empty');
        const month = monthOf(row.get(c.month), header.name(c.month));
        const amountRaw = row.get(c.amount).trim();
        if (amountRaw === '') problem(header.name(c.amount), 'amount is empty');
        const amount = money(amountRaw, header.name(c.amount));
        const key = `${channel}\u0000${month}`;
        const first = seen.get(key);
        if (first !== undefined)
          problem(header.name(c.month), `${channel} ${month} is already on line ${first}`);
        seen.set(key, row.line);
        const cost: MarketingCost = { channel, month, amount };
        batch.marketingCosts.push({ line: row.line, value: cost });
      } catch (error) {
        batch.rejects.push(rejectOf(error, row.line));
      }
    }
    unreadable(Number.POSITIVE_INFINITY);
    batch.bytesRead = chunk.bytesRead;
    if (batch.marketingCosts.length >= batchSize || batch.rejects.length > 0) {
      const rowsRead = batch.rowsRead;
      batch.rejects.sort((a, b) => a.line - b.line);
      yield batch;
      batch = emptyBatch(rowsRead, chunk.bytesRead);
    }
  }
  if (header === undefined) throw emptyFile(path);
  batch.rejects.sort((a, b) => a.line - b.line);
  yield batch;
}
