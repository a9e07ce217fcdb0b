import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDateTime, wallTimeToInstant, zonedDayOf } from '../../src/domain/time.js';

const HCM = 'Asia/Ho_Chi_Minh';
const iso = (d: Date | undefined) => d?.toISOString();

describe('parseDateTime', () => {
  it('reads Shopify, ISO 8601 and date-only forms', () => {
    expect(iso(parseDateTime('2024-03-05 14:03:11 +0700', undefined, HCM))).toBe('2024-03-05T07:03:11.000Z');
    expect(iso(parseDateTime('2024-03-05T14:03:11Z', undefined, HCM))).toBe('2024-03-05T14:03:11.000Z');
    expect(iso(parseDateTime('2024-03-05T14:03:11.250-05:30', undefined, HCM))).toBe(
      '2024-03-05T19:33:11.250Z',
    );
    expect(iso(parseDateTime('2024-03-05 14:03', undefined, HCM))).toBe('2024-03-05T07:03:00.000Z');
    expect(iso(parseDateTime('2024-03-05', undefined, HCM))).toBe('2024-03-04T17:00:00.000Z');
    expect(iso(parseDateTime('2024/03/05 14:03:11', 'iso', 'UTC'))).toBe('2024-03-05T14:03:11.000Z');
  });

  it('reads patterns', () => {
    expect(iso(parseDateTime('05/03/2024 14:03', 'dd/MM/yyyy HH:mm', HCM))).toBe('2024-03-05T07:03:00.000Z');
    expect(iso(parseDateTime('5/3/2024', 'dd/MM/yyyy HH:mm', HCM))).toBe('2024-03-04T17:00:00.000Z');
    expect(iso(parseDateTime('20240305', 'yyyyMMdd', 'UTC'))).toBe('2024-03-05T00:00:00.000Z');
    expect(iso(parseDateTime('05 Mar 2024 02:03 PM', 'dd MMM yyyy hh:mm a', 'UTC'))).toBe(
      '2024-03-05T14:03:00.000Z',
    );
    expect(iso(parseDateTime('05/03/2024 02:03 CH', 'dd/MM/yyyy hh:mm a', HCM))).toBe(
      '2024-03-05T07:03:00.000Z',
    );
    expect(iso(parseDateTime("2024-03-05'T'14:03", "yyyy-MM-dd''''HH:mm", 'UTC'))).toBeUndefined();
    expect(iso(parseDateTime('2024-03-05T14:03+0100', "yyyy-MM-dd'T'HH:mmZ", HCM))).toBe(
      '2024-03-05T13:03:00.000Z',
    );
    expect(iso(parseDateTime('1709622191', 'unix', HCM))).toBe('2024-03-05T07:03:11.000Z');
  });

  it('returns undefined for impossible or malformed dates', () => {
    for (const bad of [
      '2024-13-01',
      '2024-02-30',
      '2023-02-29 10:00',
      '2024-03-05 24:00',
      'yesterday',
      '',
      '2024-03-05 14:03 +2500',
    ])
      expect(parseDateTime(bad, undefined, HCM)).toBeUndefined();
    expect(parseDateTime('31/02/2024', 'dd/MM/yyyy', HCM)).toBeUndefined();
    expect(iso(parseDateTime('29/02/2024', 'dd/MM/yyyy', 'UTC'))).toBe('2024-02-29T00:00:00.000Z');
    expect(() => parseDateTime('x', 'yyyy-QQ', HCM)).toThrow(/unknown field "QQ"/);
  });

  it('handles DST gaps and overlaps the Temporal "compatible" way', () => {
    const ny = 'America/New_York';
    // 2024-03-10 02:30 does not exist in New York (02:00 → 03:00): read as 03:30 EDT.
    expect(iso(parseDateTime('2024-03-10 02:30', undefined, ny))).toBe('2024-03-10T07:30:00.000Z');
    // 2024-11-03 01:30 happens twice: the earlier (EDT) instant.
    expect(iso(parseDateTime('2024-11-03 01:30', undefined, ny))).toBe('2024-11-03T05:30:00.000Z');
    expect(iso(parseDateTime('2024-07-01 12:00', undefined, 'Europe/Berlin'))).toBe(
      '2024-07-01T10:00:00.000Z',
    );
    expect(iso(parseDateTime('2024-01-01 12:00', undefined, 'Europe/Berlin'))).toBe(
      '2024-01-01T11:00:00.000Z',
    );
  });

  it('reads back any wall time it was given in a zone', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2090-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(HCM, 'Europe/London', 'America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kathmandu'),
        (date, zone) => {
          const wall = new Date(Math.floor(date.getTime() / 1000) * 1000);
          const instant = wallTimeToInstant(wall.getTime(), zone);
          const back = new Intl.DateTimeFormat('sv-SE', {
            timeZone: zone,
            dateStyle: 'short',
            timeStyle: 'medium',
          })
            .format(new Date(instant))
            .replace(' ', 'T');
          const roundTrips = back === wall.toISOString().slice(0, 19);
          // Only a wall time inside a DST gap may move (forward, by the gap).
          expect(roundTrips || instant > wall.getTime() - 14 * 3600_000).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('zonedDayOf', () => {
  it('gives the calendar day in the zone, across midnight and the date line', () => {
    const d = new Date('2024-03-05T17:30:00Z');
    expect(zonedDayOf(d, HCM)).toBe('2024-03-06');
    expect(zonedDayOf(d, 'UTC')).toBe('2024-03-05');
    expect(zonedDayOf(d, 'Pacific/Kiritimati')).toBe('2024-03-06');
    expect(zonedDayOf(d, 'Pacific/Pago_Pago')).toBe('2024-03-05');
    expect(zonedDayOf(new Date('2024-12-31T16:59:59Z'), HCM)).toBe('2024-12-31');
    expect(zonedDayOf(new Date('2024-12-31T17:00:00Z'), HCM)).toBe('2025-01-01');
  });
});
