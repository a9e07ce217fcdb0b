/**
 * docs/recommend.md's printer → paper example (seed 003), end to end through the CLI: the cycle
 * of the thermal paper learned from the orders, the segment of customers due for it within 7 days,
 * and a flow that enters them and sends the 24 h voucher; also the `replenishment` template, whose
 * wait uses the learned date. On a generated shop whose paper buyers come back every ~7 days.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/analytics/calendar.js';
import { generateCycleShop } from '../../src/ingest/demo/cycle-shop.js';
import { openStore } from '../../src/store/store.js';
import { cli } from '../support/cli.js';
import { importCycleShop } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'nurture-printer-paper-'));
const db = join(dir, 'shop.duckdb');
const UNTIL = new Date('2026-10-31T03:00:00Z');
const AS_OF = ['--as-of', '2026-10-31'];

beforeAll(async () => {
  const store = await openStore({ db });
  try {
    const shop = generateCycleShop({ customers: 800, seed: 4, days: 540, until: UNTIL });
    await importCycleShop(store, 'default', shop, UNTIL);
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ok = async (...args: string[]) => {
  const r = await cli(...args, '--db', db);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
};

describe('printer → paper: the learned cycle, the segment, the flow', () => {
  it('runs as docs/recommend.md says', async () => {
    // 1. The cycle, learned from the orders.
    const cycles = await ok('products', 'replenishment', '--replenishable');
    expect(cycles).toMatch(/PAP-A6-500 .* đều đặn .* của sản phẩm +có/);

    // 2. Who is due for paper within 7 days (the reminder day: predicted day minus 2 days).
    const query = "replenishment_due(sku: 'PAP-A6-500', within: 7d)";
    const created = await ok('segment', 'create', 'giay-sap-het', '--query', query, '--json', ...AS_OF);
    const members = (JSON.parse(created) as { members: number }).members;
    expect(members).toBeGreaterThan(0);
    const store = await openStore({ db });
    const due = await store.engine.all<{ n: number }>(
      `SELECT COUNT(DISTINCT customer_id) AS n FROM customer_replenishment
       WHERE sku = 'PAP-A6-500' AND due_day >= '2026-10-31' AND due_day <= $1`,
      [addDays('2026-10-31', 7)],
    );
    await store.close();
    expect(members).toBe(Number(due[0]!.n));

    // 3. A flow on entering the segment: the 24 h voucher by SMS.
    const flow = join(dir, 'paper-due.json');
    writeFileSync(
      flow,
      JSON.stringify({
        name: 'paper-due',
        title: { vi: 'Nhắc mua giấy khi sắp hết', en: 'Paper when it runs out' },
        trigger: { kind: 'segment_entered', segment: 'giay-sap-het' },
        exitWhen: [{ kind: 'placed_order' }],
        steps: [
          { kind: 'coupon', id: 'voucher', coupon: { kind: 'fixed_amount', value: 50000, validFor: '24h' } },
          {
            kind: 'send',
            id: 'paper',
            channels: ['sms'],
            content: {
              sms: {
                text: {
                  vi: '{{ shop.name }}: Giấy in sắp hết? Mã {{ coupon.code }} giảm {{ coupon | coupon_value }} trong 24 giờ.',
                  en: '{{ shop.name }}: running out of paper? Code {{ coupon.code }}, {{ coupon | coupon_value }} off for 24 h.',
                },
              },
            },
          },
        ],
      }),
    );
    const shown = await ok('flow', 'create', flow, '--live', '--json');
    expect(JSON.parse(shown)).toMatchObject({ name: 'paper-due', state: 'live' });

    // 4. The ready template, whose wait is the learned date for paper.
    const template = await ok(
      'flow',
      'enable-template',
      'replenishment',
      '--param',
      'skus=PAP-A6-500',
      '--json',
    );
    const view = JSON.parse(template) as {
      name: string;
      document: { steps: { kind: string; property?: string }[] };
    };
    expect(view.name).toBe('replenishment');
    expect(view.document.steps[0]).toMatchObject({
      kind: 'wait_until_date',
      property: 'reorder_due',
      offsetDays: -1,
    });
  }, 120_000);
});
