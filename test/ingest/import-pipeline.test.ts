import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/app/context.js';
import { importFile } from '../../src/app/imports.js';
import { openStore, type Store } from '../../src/store/store.js';
import { FIXTURES } from './read-all.js';

const SHOP = 'pipeline';
let store: Store;
let dir: string;

beforeEach(async () => {
  store = await openStore({ db: ':memory:' });
  dir = mkdtempSync(join(tmpdir(), 'nurture-import-'));
});
afterEach(async () => {
  await store.close();
});

const ordersFile = `${FIXTURES}shopify-orders.csv`;

describe('import pipeline', () => {
  it('is all-or-nothing by default: a bad row imports nothing and every reject is reported', async () => {
    const rejectsPath = join(dir, 'rejects.csv');
    await expect(
      importFile(makeContext(store), {
        shopId: SHOP,
        format: 'shopify-orders',
        path: ordersFile,
        rejectsPath,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_file',
      details: expect.arrayContaining([expect.objectContaining({ line: 9, column: 'Lineitem quantity' })]),
    });
    const summary = await store.summary(SHOP);
    expect(summary.orders).toBe(0);
    expect(summary.customers).toBe(0);
    const lines = readFileSync(rejectsPath, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('line,column,reason');
    expect(lines).toHaveLength(9);
  });

  it('with skipInvalid imports the good orders and writes the rejects file', async () => {
    const rejectsPath = join(dir, 'rejects.csv');
    const s = await importFile(makeContext(store), {
      shopId: SHOP,
      format: 'shopify-orders',
      path: ordersFile,
      skipInvalid: true,
      rejectsPath,
    });
    expect(s).toMatchObject({ rowsRead: 14, orders: 5, rejected: 8 });
    const orders = await store.listOrders(SHOP);
    expect(orders.map((o) => [o.externalId, o.status, o.lines]).sort()).toEqual([
      ['5001', 'delivered', 2],
      ['5002', 'pending', 1],
      ['5003', 'returned', 1],
      ['5004', 'cancelled', 1],
      ['5010', 'delivered', 1],
    ]);
    expect(readFileSync(rejectsPath, 'utf8')).toContain('9,Lineitem quantity,"negative quantity: ""-1"""');
  });

  it('changes nothing when the same files are imported again', async () => {
    const run = async () => {
      await importFile(makeContext(store), {
        shopId: SHOP,
        format: 'shopify-customers',
        path: `${FIXTURES}shopify-customers.csv`,
        skipInvalid: true,
      });
      await importFile(makeContext(store), {
        shopId: SHOP,
        format: 'shopify-orders',
        path: ordersFile,
        skipInvalid: true,
      });
      await importFile(makeContext(store), {
        shopId: SHOP,
        format: 'orders-csv',
        path: `${FIXTURES}shopee.csv`,
        mapping: 'shopee',
        skipInvalid: true,
      });
      await importFile(makeContext(store), {
        shopId: SHOP,
        format: 'events-jsonl',
        path: `${FIXTURES}events.jsonl`,
        skipInvalid: true,
      });
    };
    await run();
    const before = await store.snapshot(SHOP);
    await run();
    const after = await store.snapshot(SHOP);
    for (const table of ['customers', 'customer_identities', 'orders', 'order_lines', 'events', 'feedback'])
      expect(after[table], table).toEqual(before[table]);
  });

  it('joins an order to the customer imported before it, and merges two customers an order links', async () => {
    await importFile(makeContext(store), {
      shopId: SHOP,
      format: 'shopify-customers',
      path: `${FIXTURES}shopify-customers.csv`,
      skipInvalid: true,
    });
    const hong = await store.findCustomerByKey(SHOP, 'phone', '+84912345678');
    const lan = await store.findCustomerByKey(SHOP, 'email', 'lan@example.vn');
    expect(hong?.firstName).toBe('Hồng');
    expect(hong?.lastName).toBe('Nguyễn Thị');
    expect(lan).toBeDefined();

    const s1 = await importFile(makeContext(store), {
      shopId: SHOP,
      format: 'orders-csv',
      path: `${FIXTURES}pos.csv`,
      mapping: `${FIXTURES}pos-mapping.yaml`,
      skipInvalid: true,
    });
    expect(s1).toMatchObject({ orders: 2, merged: 0 });
    const hd1 = (await store.listOrders(SHOP)).find((o) => o.externalId === 'HD-1');
    expect(hd1?.customerId).toBe(hong?.customerId);

    // One order carries Lan's e-mail and Hồng's phone: the two customers are one person.
    const linking = join(dir, 'link.csv');
    writeFileSync(
      linking,
      'Name,Email,Phone,Financial Status,Fulfillment Status,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price\n' +
        '#2001,lan@example.vn,0912 345 678,paid,fulfilled,100000,2024-04-01 10:00:00 +0700,1,Bút bi,100000\n',
    );
    const s2 = await importFile(makeContext(store), {
      shopId: SHOP,
      format: 'shopify-orders',
      path: linking,
    });
    expect(s2.merged).toBe(1);
    const merges = await store.listMerges(SHOP);
    expect(merges).toHaveLength(1);
    const survivor = await store.findCustomerByKey(SHOP, 'email', 'lan@example.vn');
    expect(survivor?.customerId).toBe(
      (await store.findCustomerByKey(SHOP, 'phone', '+84912345678'))?.customerId,
    );
  });
});
