import { describe, expect, it } from 'vitest';
import { formatterFor } from '../../src/report/format.js';

/** The one formatter per language (issue 13, 5e): vi 1.250.000 ₫ and 0,85; en 1,250,000 ₫ and 0.85. */
describe('formatterFor', () => {
  const vi = formatterFor('vi');
  const en = formatterFor('en');

  it('groups thousands and writes the decimal mark of the language', () => {
    expect(vi.money(1_250_000, 'VND')).toBe('1.250.000 ₫');
    expect(en.money(1_250_000, 'VND')).toBe('1,250,000 ₫');
    expect(vi.money('1250000.40', 'VND')).toBe('1.250.000 ₫');
    expect(vi.decimal(0.85, 2)).toBe('0,85');
    expect(en.decimal(0.85, 2)).toBe('0.85');
    expect(vi.count(1692)).toBe('1.692');
    expect(en.count(1692)).toBe('1,692');
    expect(vi.decimal(126_887.84334, 4)).toBe('126.887,8433');
    expect(en.decimal(126_887.84334, 4)).toBe('126,887.8433');
    expect(vi.percent(0.36)).toBe('36,0 %');
    expect(en.percent(0.3649, 0)).toBe('36 %');
  });

  it('drops trailing zeros only where asked, and never writes -0', () => {
    expect(vi.upTo(2.5, 2)).toBe('2,5');
    expect(en.upTo(1000, 1)).toBe('1,000');
    expect(vi.upTo(1000, 1)).toBe('1.000');
    expect(vi.decimal(-0.0001, 2)).toBe('0,00');
    expect(vi.count(-1234.4)).toBe('-1.234');
    expect(en.money(-50_000, 'VND')).toBe('-50,000 ₫');
  });

  it('writes instants as the wall clock of the time zone', () => {
    const at = new Date('2031-01-01T16:59:59.999Z');
    expect(vi.dateTime(at, 'Asia/Ho_Chi_Minh')).toBe('2031-01-01 23:59');
    expect(vi.zonedDateTime(at, 'Asia/Ho_Chi_Minh')).toBe('2031-01-01 23:59 (Asia/Ho_Chi_Minh)');
    expect(en.dateTime(at, 'America/New_York')).toBe('2031-01-01 11:59');
    expect(en.date(new Date('2026-10-31T17:30:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-11-01');
  });
});
