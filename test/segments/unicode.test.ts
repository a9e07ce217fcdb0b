import { describe, expect, it } from 'vitest';
import { parseSegmentQuery } from '../../src/domain/segments/index.js';
import { eventOf } from '../../src/ingest/formats/events-jsonl.js';
import { countQuery } from '../../src/store/segments/index.js';
import { ENGINES, TestClock } from '../support/engines.js';
import { AS_OF, loadShop, SHOP, type ShopSpec } from './support.js';

const NFC = 'Hà Nội';
const NFD = NFC.normalize('NFD');

const customer = (city: string | null): ShopSpec[number] => ({
  city,
  email: false,
  consent: {},
  tags: [],
  source: 'shopify',
  referrer: null,
  orders: [],
  events: [],
  nps: [],
  prediction: null,
});

describe('segment queries in NFC', () => {
  it('reads text typed with combining accents (NFD) as NFC', () => {
    expect(NFD).not.toBe(NFC);
    const q = parseSegmentQuery(`city = '${NFD}' OR tags CONTAINS "${NFD}"`);
    expect(JSON.stringify(q.condition)).toContain(JSON.stringify(NFC));
    expect(JSON.stringify(q.condition)).not.toContain(JSON.stringify(NFD).slice(1, -1));
  });

  it('imports event names and properties in NFC (events-jsonl)', () => {
    const e = eventOf(
      JSON.stringify({
        event: 'Product Viewed',
        userId: 'u1',
        timestamp: '2026-03-01T10:00:00Z',
        properties: { category: NFD, city: NFD },
      }),
      'Asia/Ho_Chi_Minh',
    );
    expect(e.properties).toEqual({ category: NFC, city: NFC });
  });

  for (const engine of ENGINES)
    it.skipIf(engine.skipped)(
      `city = '${NFC}' typed in NFD counts the same customers on ${engine.title}`,
      async () => {
        const store = await engine.open(new TestClock(AS_OF.getTime()));
        try {
          await loadShop(store, [customer(NFC), customer(NFC), customer('Đà Nẵng'), customer(null)]);
          const count = (q: string) => countQuery(store, SHOP, q, { asOf: AS_OF });
          expect(await count(`city = '${NFC}'`)).toBe(2);
          expect(await count(`city = '${NFD}'`)).toBe(2);
          expect(await count(`city CONTAINS '${NFD.slice(0, 3)}'`)).toBe(2);
        } finally {
          await store.close();
        }
      },
    );
});
