import { describe, expect, it } from 'vitest';
import { checkTrackingBatch } from '../../src/app/tracking.js';

const at = new Date('2026-12-07T10:00:00Z');

describe('checkTrackingBatch', () => {
  it('keeps texts in NFC, whatever form the page sent', () => {
    const decomposed = 'Ma\u0301y in'; // "Máy in" with a combining accent
    const { events, rejected } = checkTrackingBatch(
      [
        { event: 'Product Viewed', anonymousId: 'a-1', properties: { category: decomposed } },
        { event: 'Product Viewed', anonymousId: 'a-2', properties: { category: 'Máy in' } },
        { event: 'Product Viewed', anonymousId: 'a-3', properties: { category: 'plain' } },
      ],
      'Asia/Ho_Chi_Minh',
      at,
    );
    expect(rejected).toEqual([]);
    expect(events.map((e) => e.properties['category'])).toEqual(['Máy in', 'Máy in', 'plain']);
    expect(events[0]!.timestamp).toEqual(at);
  });

  it('answers a bad call with its index and keeps the others', () => {
    const { events, rejected } = checkTrackingBatch(
      [
        { event: 'Product Viewed', anonymousId: 'a-1' },
        { event: 'Product Viewed', anonymousId: 'a-1', properties: { note: 'a\u0000b' } },
        { event: 'Product Viewed' },
      ],
      'Asia/Ho_Chi_Minh',
      at,
    );
    expect(events).toHaveLength(1);
    expect(rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(rejected[0]!.reason).toContain('NUL');
  });
});
