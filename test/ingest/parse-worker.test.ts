import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderInput } from '../../src/domain/model/index.js';
import { type OrderColumns, orderColumnsOf } from '../../src/domain/order-columns.js';
import {
  decodeBatch,
  encodeBatch,
  packText,
  unpackText,
  type WorkerMessage,
} from '../../src/ingest/batch-wire.js';
import { serveParse } from '../../src/ingest/parse-worker.js';
import { emptyBatch, type ParsedBatch, type ReadOptions } from '../../src/ingest/records.js';
import { receiveBatches } from '../../src/ingest/worker-reader.js';
import { FIXTURES, readAll, VN } from './read-all.js';

/** The orders of some columns as objects again, to compare with what the reader built. */
function ordersOf(c: OrderColumns): OrderInput[] {
  const out: OrderInput[] = [];
  const date = (ms: number) => (Number.isNaN(ms) ? undefined : new Date(ms));
  for (let i = 0; i < c.length; i++) {
    const lines = [];
    for (let l = c.lineStart[i]!; l < c.lineStart[i + 1]!; l++)
      lines.push({
        sku: c.lineSku[l],
        title: c.lineTitle[l]!,
        category: c.lineCategory[l],
        quantity: c.lineQuantity[l]!,
        price: c.linePrice[l]!,
      });
    out.push({
      source: c.source[i]! as OrderInput['source'],
      externalId: c.externalId[i]!,
      name: c.name[i],
      customer: {
        externalId: c.customerExternalId[i],
        phone: c.phone[i],
        email: c.email[i],
        firstName: c.firstName[i],
        lastName: c.lastName[i],
        city: c.city[i],
        province: c.province[i],
        country: c.country[i],
      },
      status: c.status[i]! as OrderInput['status'],
      financialStatus: c.financialStatus[i],
      fulfillmentStatus: c.fulfillmentStatus[i],
      paymentMethod: c.paymentMethod[i] as OrderInput['paymentMethod'],
      currency: c.currency[i]!,
      subtotal: c.subtotal[i]!,
      shipping: c.shipping[i]!,
      taxes: c.taxes[i]!,
      discount: c.discount[i]!,
      total: c.total[i]!,
      refunded: c.refunded[i]!,
      couponCode: c.couponCode[i],
      createdAt: new Date(c.createdMs[i]!),
      paidAt: date(c.paidMs[i]!),
      cancelledAt: date(c.cancelledMs[i]!),
      tags: c.tags[i]?.split(', ') ?? [],
      lines,
    });
  }
  return out;
}

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** Runs the worker's side on one end of a channel and reads the batches from the other. */
async function throughChannel(
  format: 'shopify-orders' | 'orders-csv',
  path: string,
  options: Partial<ReadOptions>,
): Promise<ParsedBatch[]> {
  const channel = new MessageChannel();
  channels.push(channel);
  const serving = serveParse(channel.port1, { format, path, options: { ...VN, ...options } });
  const batches: ParsedBatch[] = [];
  for await (const b of receiveBatches(channel.port2)) batches.push(b);
  await serving;
  return batches;
}

describe('the parse worker protocol', () => {
  it('packs text columns into one string with end offsets, absent values kept apart from empty ones', () => {
    const values = ['Nguyễn Thị Hồng', undefined, '', 'a,b"c\nd', undefined, '😀 ₫'];
    const packed = packText(values);
    expect(packed.text).toBe('Nguyễn Thị Hồnga,b"c\nd😀 ₫');
    expect(unpackText(packed)).toEqual(values);
    expect(unpackText(packText([]))).toEqual([]);
  });

  it('sends the same orders, rejects and counts as reading the file on this thread', async () => {
    const path = `${FIXTURES}shopify-orders.csv`;
    const direct = await readAll('shopify-orders', path, { batchSize: 2 });
    const batches = await throughChannel('shopify-orders', path, { batchSize: 2 });
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((b) => b.orders.length === 0 && b.orderColumns !== undefined)).toBe(true);
    expect(batches.flatMap((b) => ordersOf(b.orderColumns!))).toEqual(direct.orders.map((o) => o.value));
    expect(batches.flatMap((b) => b.rejects)).toEqual(direct.rejects);
    expect(batches.at(-1)).toMatchObject({ rowsRead: direct.rowsRead, bytesRead: direct.bytesRead });
  });

  it('carries an orders-csv mapping file through', async () => {
    const path = `${FIXTURES}shopee.csv`;
    const direct = await readAll('orders-csv', path, { mappingFile: 'shopee' });
    const batches = await throughChannel('orders-csv', path, { mappingFile: 'shopee' });
    expect(batches.flatMap((b) => ordersOf(b.orderColumns!))).toEqual(direct.orders.map((o) => o.value));
    expect(batches.flatMap((b) => b.rejects)).toEqual(direct.rejects);
  });

  it('rethrows the reader error with its code and details', async () => {
    await expect(throughChannel('shopify-orders', `${FIXTURES}no-such-file.csv`, {})).rejects.toMatchObject({
      name: 'NurtureError',
      code: 'invalid_input',
    });
    await expect(throughChannel('orders-csv', `${FIXTURES}shopee.csv`, {})).rejects.toMatchObject({
      code: expect.any(String),
    });
  });

  it('stays at most two batches ahead of the importer', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const received: WorkerMessage[] = [];
    channel.port2.on('message', (m: WorkerMessage) => received.push(m));
    const serving = serveParse(channel.port1, {
      format: 'shopify-orders',
      path: `${FIXTURES}shopify-orders.csv`,
      options: { ...VN, batchSize: 1 },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.filter((m) => m.type === 'batch')).toHaveLength(2);
    // Taking batches lets it read on, to the end.
    for (let i = 0; i < 10; i++) channel.port2.postMessage('more');
    await serving;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.at(-1)).toEqual({ type: 'end' });
  });

  it('round-trips a batch through the codec, typed arrays included', () => {
    const orders = [
      {
        source: 'shopify' as const,
        externalId: '1',
        customer: { email: 'a@b.vn' },
        status: 'paid' as const,
        currency: 'VND',
        subtotal: '10',
        shipping: '0',
        taxes: '0',
        discount: '0',
        total: '10',
        refunded: '0',
        createdAt: new Date(1_700_000_000_000),
        paidAt: new Date(1_700_000_100_000),
        tags: ['a', 'b'],
        lines: [
          { title: 'x', quantity: 2, price: '5' },
          { sku: 'S', title: 'y', category: 'c', quantity: 1, price: '0' },
        ],
      },
    ];
    const batch: ParsedBatch = {
      ...emptyBatch(4, 99),
      rejects: [{ line: 3, reason: 'r' }],
    };
    const { message, transfer } = encodeBatch(batch, orderColumnsOf(orders));
    expect(transfer.length).toBeGreaterThan(0);
    if (message.type !== 'batch') throw new Error('expected a batch');
    const decoded = decodeBatch(structuredClone(message.batch));
    expect(ordersOf(decoded.orderColumns!)).toEqual(orders);
    expect(decoded).toMatchObject({ rejects: batch.rejects, rowsRead: 4, bytesRead: 99, orders: [] });
  });
});
