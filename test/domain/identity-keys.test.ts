import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone } from '../../src/domain/identity-keys.js';

describe('normalizePhone', () => {
  it.each([
    ['0912 345 678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['+84 912-345-678', '+84912345678'],
    ['(+84) 912.345.678', '+84912345678'],
    ['0084912345678', '+84912345678'],
    ["'0912345678", '+84912345678'],
    ['912345678', '+84912345678'],
    ['0243 826 1234', '+842438261234'],
    ['+1 415 555 2671', '+14155552671'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
  });

  it.each(['', '   ', 'abc', '12345', '+84 0912 345 678', '0912-345-678-999-1', undefined, null])(
    'rejects %s',
    (raw) => {
      expect(normalizePhone(raw)).toBeUndefined();
    },
  );
});

describe('normalizeEmail', () => {
  it('lowercases and trims', () => {
    expect(normalizeEmail('  Hong.Nguyen@Gmail.COM ')).toBe('hong.nguyen@gmail.com');
  });
  it.each(['', 'no-at-sign', 'a@b', 'two words@example.vn'])('rejects %s', (raw) => {
    expect(normalizeEmail(raw)).toBeUndefined();
  });
});
