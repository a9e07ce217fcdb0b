import { describe, expect, it } from 'vitest';
import { eventInputSchema } from '../../src/domain/model/index.js';
import { FIXTURES, readAll } from './read-all.js';

describe('events-jsonl', () => {
  it('reads events, normalises contacts, keeps messageId, checks survey scores', async () => {
    const r = await readAll('events-jsonl', `${FIXTURES}events.jsonl`);
    expect(r.rowsRead).toBe(8);
    expect(r.events.map((e) => e.line)).toEqual([1, 2, 8]);
    const [viewed, nps, added] = r.events.map((e) => e.value);
    expect(viewed).toMatchObject({
      messageId: 'm-1',
      event: 'Product Viewed',
      userId: '7001',
      properties: { name: 'Áo dài lụa' },
    });
    expect(viewed!.timestamp.toISOString()).toBe('2024-03-05T07:03:11.000Z');
    expect(nps).toMatchObject({
      event: 'Survey Answered',
      phone: '+84912345678',
      properties: { kind: 'nps', score: 9 },
    });
    expect(nps!.timestamp.toISOString()).toBe('2024-03-06T02:00:00.000Z');
    expect(added!.timestamp.toISOString()).toBe('2024-03-05T07:03:11.000Z');
    for (const e of r.events) expect(eventInputSchema.safeParse(e.value).success).toBe(true);
    expect(r.rejects.map((x) => [x.line, x.column])).toEqual([
      [4, 'properties.score'],
      [5, 'event'],
      [6, 'userId'],
      [7, 'timestamp'],
      [9, undefined],
    ]);
    expect(r.rejects[0]!.reason).toBe('rating score must be 1-5, not 7');
    expect(r.rejects[1]!.reason).toBe('unknown event "Teleported"');
    expect(r.rejects[4]!.reason).toMatch(/^not valid JSON/);
  });
});
