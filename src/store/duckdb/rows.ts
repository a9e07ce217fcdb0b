/**
 * A DuckDB result as the row objects `SqlEngine.all` returns: BIGINTs as numbers, DATEs as
 * `YYYY-MM-DD`, timestamps as Dates, DECIMALs as doubles (node-api's JS conversion otherwise).
 */
import {
  type DuckDBMaterializedResult,
  DuckDBTypeId,
  type DuckDBValue,
  JSDuckDBValueConverter,
} from '@duckdb/node-api';
import type { Row } from '../engine.js';

/**
 * The rows of a materialized result, read from its chunks in place. node-api's
 * `DuckDBResultReader.readAll` fetches each chunk, and then the empty chunk that ends the result,
 * through an asynchronous call on libuv's thread pool; a materialized result holds its chunks
 * already, so each of those calls is only a hand-off to another thread and back, and under load
 * each hand-off waits for both threads to be scheduled (a one-row lookup made two of them besides
 * its own run). Here they are read synchronously, a column at a time.
 */
export function rowObjects(result: DuckDBMaterializedResult): Row[] {
  const names = result.deduplicatedColumnNames();
  // Type ids, not `columnTypes()`: that makes a native logical type object per column, garbage
  // for the next scavenge on every statement.
  const dates = names.map((_, i) => result.columnTypeId(i) === DuckDBTypeId.DATE);
  const rows: Row[] = [];
  const chunkCount = result.chunkCount;
  for (let c = 0; c < chunkCount; c++) {
    const chunk = result.getChunk(c);
    const count = chunk.rowCount;
    const start = rows.length;
    for (let r = 0; r < count; r++) rows.push({});
    for (let col = 0; col < names.length; col++) {
      const vector = chunk.getColumnVector(col);
      const name = names[col]!;
      const date = dates[col]!;
      for (let r = 0; r < count; r++) rows[start + r]![name] = jsValue(vector.getItem(r), vector.type, date);
    }
  }
  return rows;
}

/** One value as JavaScript: node-api's conversion, with BIGINTs as numbers and DATEs as text. */
function jsValue(
  value: DuckDBValue,
  type: Parameters<typeof JSDuckDBValueConverter>[1],
  date: boolean,
): unknown {
  const js = JSDuckDBValueConverter(value, type, JSDuckDBValueConverter);
  if (typeof js === 'bigint') return Number(js);
  if (date && js instanceof Date) return js.toISOString().slice(0, 10);
  return js;
}
