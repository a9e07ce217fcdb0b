import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/store/duckdb/engine.js';
import type { SqlEngine } from '../../src/store/engine.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations/index.js';
import { PostgresEngine } from '../../src/store/postgres/engine.js';
import { PG_URL } from '../support/engines.js';

const schemas: string[] = [];
afterAll(async () => {
  if (!PG_URL || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
});

const engines: { name: string; open: () => Promise<SqlEngine>; skipped?: string }[] = [
  { name: 'duckdb', open: () => DuckDbEngine.open(':memory:') },
  {
    name: 'postgres',
    open: () => {
      const schema = `nurture_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return PostgresEngine.open({ url: PG_URL as string, schema });
    },
    ...(PG_URL ? {} : { skipped: 'NURTURE_TEST_PG_URL is not set' }),
  },
];

for (const e of engines) {
  describe.skipIf(e.skipped !== undefined)(
    `migration 017 (predictive intervals) — ${e.name}${e.skipped ? ` — ${e.skipped}` : ''}`,
    () => {
      it('keeps the expected CLV’s interval under a name that says what it is and adds the predictive columns', async () => {
        const engine = await e.open();
        try {
          await migrate(
            engine,
            MIGRATIONS.filter((m) => m.version < 17),
          );
          await engine.run(
            `INSERT INTO customer_predictions (shop_id, customer_id, model, predicted_as_of, frequency, recency, t_age,
               monetary_value, p_alive, churn_probability, expected_purchases_30, expected_purchases_90,
               expected_purchases_365, expected_next_order_date, expected_avg_value, predicted_clv, predicted_clv_low,
               predicted_clv_high)
             VALUES ('s', 'cus_1', 'bgnbd', $1, 2, 10, 30, 100, 0.8, 0.2, 0.1, 0.3, 1.1, DATE '2026-12-01', 100, 110, 90, 130)`,
            [new Date('2026-11-01T00:00:00Z')],
          );
          expect(
            await migrate(
              engine,
              MIGRATIONS.filter((m) => m.version <= 17),
            ),
          ).toEqual([17]);
          const rows = await engine.all<Record<string, unknown>>(
            `SELECT predicted_clv, predicted_clv_ci_low, predicted_clv_ci_high, orders_365_low, orders_365_high,
               predicted_clv_range_low, predicted_clv_range_high, next_order_note FROM customer_predictions`,
          );
          expect(
            rows.map((r) =>
              Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : Number(v)])),
            ),
          ).toEqual([
            {
              predicted_clv: 110,
              predicted_clv_ci_low: 90,
              predicted_clv_ci_high: 130,
              orders_365_low: null,
              orders_365_high: null,
              predicted_clv_range_low: null,
              predicted_clv_range_high: null,
              next_order_note: null,
            },
          ]);
          // The old names are gone: nothing can read the expectation's interval as a range of orders.
          await expect(engine.all('SELECT predicted_clv_low FROM customer_predictions')).rejects.toThrow();
        } finally {
          await engine.close();
        }
      });
    },
  );
}
