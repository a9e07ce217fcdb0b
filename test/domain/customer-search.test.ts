import { describe, expect, it } from 'vitest';
import { nextPrefix, phonePrefix, readCustomerSearch } from '../../src/domain/customer-search.js';

describe('reading the customers search box', () => {
  it('reads a whole phone in any form as its E.164 key', () => {
    for (const typed of [
      '0912 345 678',
      '+84 912 345 678',
      '84912345678',
      '0912-345-678',
      ' (0912) 345.678 ',
    ])
      expect(readCustomerSearch(typed)).toEqual({ kind: 'phone', value: '+84912345678' });
  });

  it('reads the start of a phone as a range of keys', () => {
    expect(readCustomerSearch('0912 34')).toEqual({
      kind: 'phone-range',
      from: '+8491234',
      below: '+8491235',
    });
    expect(readCustomerSearch('+84 91')).toEqual({ kind: 'phone-range', from: '+8491', below: '+8492' });
    expect(phonePrefix('091')).toBeUndefined();
    expect(nextPrefix('+84919')).toBe('+8492');
    expect(nextPrefix('+8499')).toBe('+85');
  });

  it('reads e-mails (whole or partial) and names', () => {
    expect(readCustomerSearch(' Lan.Nguyen@Gmail.COM ')).toEqual({
      kind: 'email',
      value: 'lan.nguyen@gmail.com',
    });
    expect(readCustomerSearch('lan.nguyen@gm')).toEqual({ kind: 'email-prefix', prefix: 'lan.nguyen@gm' });
    // Decomposed "ễ" (e + circumflex + tilde) reads as the precomposed one the store holds.
    expect(readCustomerSearch('Nguye\u0302\u0303n  Thị')).toEqual({ kind: 'name', prefix: 'nguyễn thị' });
    expect(readCustomerSearch('   ')).toBeUndefined();
  });
});
