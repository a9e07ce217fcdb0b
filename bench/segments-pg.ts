import type { SqlEngine, SqlValue } from '../src/store/engine.js';

/** The benchmark shop's tables, in an order that satisfies nothing but readability (no foreign keys). */
const TABLES = ['customers', 'customer_tags', 'orders', 'order_lines', 'events', 'customer_stats'] as const;

const ROWS_PER_CHUNK = 50_000;

/** SQL type of each column, as DuckDB's catalog names it (VARCHAR, DECIMAL(18,2), DATE, …). */
async function columnsOf(src: SqlEngine, table: string): Promise<{ name: string; type: string }[]> {
  const rows = await src.all<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const pgType: Record<string, string> = {
    'TIMESTAMP WITH TIME ZONE': 'TIMESTAMPTZ',
    DOUBLE: 'DOUBLE PRECISION',
  };
  return rows.map((r) => ({ name: r.column_name, type: pgType[r.data_type] ?? r.data_type }));
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * Copies the benchmark shop from the DuckDB file into a PostgreSQL store (fresh schema, migrated):
 * rows are read by rowid ranges and inserted as text arrays cast to each column's type. Then the
 * tables are ANALYZEd, as a long-running database would be.
 */
export async function copyShopToPostgres(
  src: SqlEngine,
  dst: SqlEngine,
  shopId: string,
  tables: readonly string[] = TABLES,
): Promise<number> {
  let copied = 0;
  const [shop] = await src.all<{ name: string; currency: string; timezone: string; created_at: Date }>(
    'SELECT name, currency, timezone, created_at FROM shops WHERE shop_id = $1',
    [shopId],
  );
  if (!shop) throw new Error(`no shop ${shopId} in the DuckDB file`);
  await dst.run(
    'INSERT INTO shops (shop_id, name, currency, timezone, created_at) VALUES ($1, $2, $3, $4, $5)',
    [shopId, shop.name, shop.currency, shop.timezone, shop.created_at],
  );
  for (const table of tables) {
    // The columns both stores have: DuckDB has some of its own (customer_stats.lookup_hash).
    const target = new Set(
      (
        await dst.all<{ column_name: string }>(
          'SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()',
          [table],
        )
      ).map((r) => r.column_name),
    );
    const columns = (await columnsOf(src, table)).filter((c) => target.has(c.name));
    const [range] = await src.all<{ lo: number | null; hi: number | null }>(
      `SELECT MIN(rowid) AS lo, MAX(rowid) AS hi FROM ${table}`,
    );
    const lo = Number(range?.lo ?? 0);
    const hi = Number(range?.hi ?? -1);
    const names = columns.map((c) => c.name).join(', ');
    const casts = columns.map((c, i) => `CAST(u.c${i} AS ${c.type})`).join(', ');
    const unnest = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
    const aliases = columns.map((_, i) => `c${i}`).join(', ');
    const insert = `INSERT INTO ${table} (${names}) SELECT ${casts} FROM unnest(${unnest}) AS u(${aliases})`;
    for (let start = lo; start <= hi; start += ROWS_PER_CHUNK) {
      const rows = await src.all(
        `SELECT ${names} FROM ${table} WHERE rowid >= $1 AND rowid < $2 AND shop_id = $3`,
        [start, start + ROWS_PER_CHUNK, shopId],
      );
      if (rows.length === 0) continue;
      const arrays = columns.map((c) => rows.map((r) => asText(r[c.name])));
      await dst.run(insert, arrays as unknown as SqlValue[]);
      copied += rows.length;
    }
  }
  for (const table of tables) await dst.run(`ANALYZE ${table}`);
  return copied;
}
