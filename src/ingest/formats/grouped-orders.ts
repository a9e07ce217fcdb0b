/**
 * The common driver of the grouped CSV formats: orders (one row per line item, the rows of one
 * order next to each other) and product catalogues (one row per variant or image, the rows of
 * one product next to each other). It groups consecutive rows by key, hands each complete group
 * to the format's builder, and never splits a group across two batches.
 */
import type { OrderInput, Product } from '../../domain/model/index.js';
import { type CsvProblem, type CsvRowBatch, readCsvRows } from '../csv.js';
import { emptyBatch, type Located, type ParsedBatch, type Reject } from '../records.js';
import { type Cells, csvReject, emptyFile, Header, Row, rejectOf, widthProblem } from './fields.js';

/** What a format supplies once it has seen the header. */
export type OrderRowsFormat = GroupedRowsFormat<OrderInput>;

/** What a group becomes, and the words its messages use. */
export interface GroupKind<T> {
  /** "order", "product". */
  noun: string;
  /** The reason of a row without a key: "missing order id". */
  missingKey: string;
  /** Where built groups go in a batch. */
  target: (batch: ParsedBatch) => Located<T>[];
}

export const ORDER_GROUPS: GroupKind<OrderInput> = {
  noun: 'order',
  missingKey: 'missing order id',
  target: (batch) => batch.orders,
};

/** A catalogue group is one product: its variants (one entry each) from its rows. */
export const PRODUCT_GROUPS: GroupKind<Product[]> = {
  noun: 'product',
  missingKey: 'missing product handle',
  target: (batch) => batch.productGroups,
};

/** What a format supplies once it has seen the header (T: what one group builds). */
export interface GroupedRowsFormat<T> {
  /** Header name of the order key column, for rejects. */
  keyColumn: string;
  /** The columns the order key is read from. */
  readonly keyColumns: readonly number[];
  /** The order key of a row ('' when missing). */
  keyOf(row: Cells): string;
  /**
   * Builds the order from its rows (the first row carries the order-level fields). Throws a
   * RowProblem, with `line` set when the bad cell is not on the first row.
   */
  build(rows: readonly Row[]): T;
}

export interface GroupedReadOptions {
  delimiter?: string;
  /** Orders per yielded batch (at least; a batch ends at a file chunk). */
  batchSize?: number;
}

interface Group {
  key: string;
  rows: Row[];
  /** Why every row of the group is rejected regardless of its content. */
  doom: string | undefined;
}

class Grouper<T> {
  private header: Header | undefined;
  private format: GroupedRowsFormat<T> | undefined;
  private current: Group | undefined;
  /** Order key → line of its first row, for orders already complete. */
  private readonly seen = new Map<string, number>();
  /**
   * An unreadable record just read, and its order key when that could be read: the order that
   * the next row starts is doomed if the record may have been its first row.
   */
  private broken: { line: number; key: string | undefined } | undefined;
  rowsRead = 0;
  batch: ParsedBatch = emptyBatch();

  constructor(
    private readonly setup: (header: Header) => GroupedRowsFormat<T>,
    private readonly kind: GroupKind<T>,
  ) {}

  get sawHeader(): boolean {
    return this.header !== undefined;
  }

  row(row: Row): void {
    if (this.header === undefined || this.format === undefined) {
      const fields: string[] = [];
      for (let k = 0; k < row.width; k++) fields.push(row.get(k));
      this.header = new Header(fields);
      this.format = this.setup(this.header);
      return;
    }
    this.rowsRead++;
    const format = this.format;
    const key = format.keyOf(row);
    const broken = this.broken;
    this.broken = undefined;
    const width = widthProblem(row.width, this.header);
    if (width !== undefined) {
      this.batch.rejects.push(rejectOf(width, row.line));
      if (this.current !== undefined && key === this.current.key)
        this.doom(`a row of this ${this.kind.noun} (line ${row.line}) is broken`);
      return;
    }
    if (key === '') {
      this.batch.rejects.push({ line: row.line, column: format.keyColumn, reason: this.kind.missingKey });
      return;
    }
    const current = this.current;
    if (current !== undefined && current.key === key) {
      current.rows.push(row);
      return;
    }
    this.finish();
    const firstLine = this.seen.get(key);
    const doom =
      firstLine !== undefined
        ? `${this.kind.noun} ${key} already appeared at line ${firstLine}; the rows of one ${this.kind.noun} must be next to each other (sort the file by ${format.keyColumn})`
        : broken === undefined
          ? undefined
          : broken.key === undefined
            ? nextToBroken(broken.line, this.kind.noun)
            : broken.key === key
              ? brokenRow(broken.line, this.kind.noun)
              : undefined;
    this.current = { key, rows: [row], doom };
  }

  /**
   * An unreadable record: rejected, and so is the order it belongs to, never imported without
   * one of its rows. Its order is told by its key when the key's cells could be read; otherwise
   * both orders next to it are rejected, as it may be a row of either.
   */
  problem(p: CsvProblem): void {
    if (this.header !== undefined) this.rowsRead++;
    this.batch.rejects.push(csvReject(p, this.header));
    if (this.format === undefined) return;
    const key = this.keyOfProblem(p, this.format);
    if (key === undefined) this.doom(nextToBroken(p.line, this.kind.noun));
    else if (key === this.current?.key) this.doom(brokenRow(p.line, this.kind.noun));
    // Of several in a row, one whose order is unknown decides: both neighbours may be its order.
    if (this.broken?.key !== undefined || this.broken === undefined) this.broken = { line: p.line, key };
  }

  /** The order key of an unreadable record, when the cells it is read from come before the break. */
  private keyOfProblem(p: CsvProblem, format: GroupedRowsFormat<T>): string | undefined {
    const fields = p.fields ?? [];
    if (format.keyColumns.length === 0 || format.keyColumns.some((i) => i < 0 || i >= fields.length))
      return undefined;
    const cells: Cells = { get: (col) => fields[col] ?? '' };
    const key = format.keyOf(cells);
    return key === '' ? undefined : key;
  }

  private doom(reason: string): void {
    if (this.current !== undefined && this.current.doom === undefined) this.current.doom = reason;
  }

  /** Completes the group being read: an order, or a reject for each of its rows. */
  finish(): void {
    const group = this.current;
    if (group === undefined || this.format === undefined) return;
    this.current = undefined;
    const firstLine = group.rows[0]!.line;
    if (!this.seen.has(group.key)) this.seen.set(group.key, firstLine);
    if (group.doom !== undefined) {
      this.rejectGroup(group, undefined, group.doom);
      return;
    }
    try {
      this.kind.target(this.batch).push({ line: firstLine, value: this.format.build(group.rows) });
    } catch (error) {
      const reject = rejectOf(error, firstLine);
      this.rejectGroup(
        group,
        reject,
        `${this.kind.noun} ${group.key} is rejected because of line ${reject.line}`,
      );
    }
  }

  private rejectGroup(group: Group, cause: Reject | undefined, reason: string): void {
    const column = this.format?.keyColumn;
    let causeShown = false;
    for (const row of group.rows) {
      if (cause !== undefined && row.line === cause.line && !causeShown) {
        this.batch.rejects.push(cause);
        causeShown = true;
      } else
        this.batch.rejects.push(
          column === undefined ? { line: row.line, reason } : { line: row.line, column, reason },
        );
    }
    if (cause !== undefined && !causeShown) this.batch.rejects.push(cause);
  }

  /** Feeds one scanned chunk: rows and unreadable records merged in file order. */
  feed(rows: CsvRowBatch, problems: readonly CsvProblem[]): void {
    let p = 0;
    const np = problems.length;
    for (let r = 0; r < rows.length; r++) {
      const line = rows.line(r);
      while (p < np && problems[p]!.line < line) this.problem(problems[p++]!);
      this.row(new Row(rows, r, line));
    }
    while (p < np) this.problem(problems[p++]!);
  }

  take(bytesRead: number): ParsedBatch {
    const out = this.batch;
    // In file order: a doomed order's rows are rejected when it ends, after a later broken row.
    out.rejects.sort((a, b) => a.line - b.line);
    out.rowsRead = this.rowsRead;
    out.bytesRead = bytesRead;
    this.batch = emptyBatch();
    return out;
  }
}

function brokenRow(line: number, noun: string): string {
  return `a row of this ${noun} (line ${line}) could not be read`;
}

function nextToBroken(line: number, noun: string): string {
  return `line ${line}, next to this ${noun}, could not be read: it may be one of its rows`;
}

/** Reads an order CSV in batches of complete orders. */
export function readGroupedOrders(
  path: string,
  options: GroupedReadOptions,
  setup: (header: Header) => OrderRowsFormat,
): AsyncGenerator<ParsedBatch> {
  return readGroupedRows(path, options, setup, ORDER_GROUPS);
}

/** Reads a grouped CSV in batches of complete groups (orders, products). */
export async function* readGroupedRows<T>(
  path: string,
  options: GroupedReadOptions,
  setup: (header: Header) => GroupedRowsFormat<T>,
  kind: GroupKind<T>,
): AsyncGenerator<ParsedBatch> {
  const grouper = new Grouper(setup, kind);
  const batchSize = options.batchSize ?? 4096;
  let bytesRead = 0;
  const csvOptions = {
    header: true,
    ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
  };
  for await (const chunk of readCsvRows(path, csvOptions)) {
    bytesRead = chunk.bytesRead;
    grouper.feed(chunk.rows, chunk.problems);
    if (kind.target(grouper.batch).length >= batchSize || grouper.batch.rejects.length > 0)
      yield grouper.take(bytesRead);
  }
  grouper.finish();
  if (!grouper.sawHeader) throw emptyFile(path);
  yield grouper.take(bytesRead);
}
