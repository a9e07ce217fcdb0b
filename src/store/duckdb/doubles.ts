/**
 * DuckDB's bulk path for columns of numbers (`SqlEngine.readDoubles` / `appendDoubles`): whole
 * vectors move between DuckDB and Float64Arrays, with no JavaScript object per row and no text.
 * A million rows of a dozen DOUBLE columns cross in a fraction of a second, where row objects
 * or CSV text take seconds. Used by the CLV pipeline (src/store/clv), which reads a summary per
 * customer and writes predictions per customer.
 */
import {
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';
import { NurtureError } from '../../errors.js';

/** Rows per appended chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** Runs a query whose columns are all DOUBLE; one Float64Array per column, NULL as NaN. */
export async function readDoubleColumns(
  conn: DuckDBConnection,
  sql: string,
  params: DuckDBValue[],
): Promise<Float64Array[]> {
  const result = await conn.run(sql, params.length > 0 ? params : undefined);
  const types = result.columnTypes();
  types.forEach((t, i) => {
    if (t.typeId !== DuckDBTypeId.DOUBLE) {
      throw new NurtureError(
        'internal',
        `readDoubles: column ${result.columnName(i)} is ${t.toString()}, not DOUBLE`,
      );
    }
  });
  const chunks: DuckDBDataChunk[] = [];
  let rows = 0;
  for (let k = 0; k < result.chunkCount; k++) {
    const chunk = result.getChunk(k);
    chunks.push(chunk);
    rows += chunk.rowCount;
  }
  const out = types.map(() => new Float64Array(rows));
  let offset = 0;
  for (const chunk of chunks) {
    const n = chunk.rowCount;
    out.forEach((column, c) => {
      const vector = chunk.getColumnVector(c);
      for (let i = 0; i < n; i++) column[offset + i] = (vector.getItem(i) as number | null) ?? Number.NaN;
    });
    offset += n;
  }
  return out;
}

/**
 * Appends equally long columns to every column of `table` (all DOUBLE, in table order), a
 * vector at a time; NaN is appended as NULL.
 */
export async function appendDoubleColumns(
  conn: DuckDBConnection,
  table: string,
  data: readonly Float64Array[],
): Promise<void> {
  const rows = data[0]?.length ?? 0;
  if (data.some((column) => column.length !== rows)) {
    throw new NurtureError('internal', 'appendDoubles: columns of different lengths');
  }
  if (rows === 0) return;
  const [schema, name] = table.includes('.') ? (table.split('.') as [string, string]) : [null, table];
  const appender = await conn.createAppender(name, schema);
  try {
    const types = data.map(() => DOUBLE);
    const values: (number | null)[] = [];
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(types, n);
      values.length = n;
      data.forEach((column, c) => {
        for (let i = 0; i < n; i++) {
          const v = column[start + i] as number;
          values[i] = Number.isNaN(v) ? null : v;
        }
        chunk.setColumnValues(c, values);
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
