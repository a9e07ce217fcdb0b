import { describe, expect, it } from 'vitest';
import { customerInputSchema } from '../../src/domain/model/index.js';
import { FIXTURES, readAll } from './read-all.js';

describe('shopify-customers', () => {
  it('reads customers by header name, with BOM, diacritics, consent, referrals and extra columns', async () => {
    const r = await readAll('shopify-customers', `${FIXTURES}shopify-customers.csv`);
    expect(r.rowsRead).toBe(6);
    expect(r.customers.map((c) => c.line)).toEqual([2, 3, 4]);
    const [hong, nam, lan] = r.customers.map((c) => c.value);
    expect(hong).toMatchObject({
      source: 'shopify',
      externalId: '7001',
      firstName: 'Hồng',
      lastName: 'Nguyễn Thị',
      email: 'hong.nguyen@example.vn',
      phone: '+84912345678',
      city: 'Hà Nội',
      province: 'HN',
      country: 'VN',
      consent: { email: true, sms: false },
      tags: ['vip', 'hà nội'],
      note: 'Khách quen, thích áo dài',
      referredBy: undefined,
      attributes: {
        address1: '12 Hàng Bạc',
        totalSpent: '1250000',
        totalOrders: 3,
        taxExempt: false,
        'Zalo ID': 'zalo-hong',
      },
    });
    expect(nam).toMatchObject({
      externalId: '7002',
      email: undefined,
      phone: '+84903111222',
      referredBy: '+84912345678',
    });
    expect(nam!.consent).toEqual({ email: false, sms: true });
    // An invalid phone is dropped; the row stays because it has an id and an e-mail.
    expect(lan).toMatchObject({
      externalId: '7003',
      phone: undefined,
      referredBy: 'lan-referrer@example.vn',
    });
    for (const c of r.customers) expect(customerInputSchema.safeParse(c.value).success).toBe(true);
  });

  it('rejects rows with no identity, broken quoting and bad values', async () => {
    const r = await readAll('shopify-customers', `${FIXTURES}shopify-customers.csv`);
    expect(r.rejects).toEqual([
      { line: 5, column: 'Email', reason: 'no customer identity (no customer id, valid email or phone)' },
      {
        line: 6,
        column: 'First Name',
        reason: 'unterminated quoted field (a quote opened here is never closed)',
      },
      { line: 7, column: 'Accepts Email Marketing', reason: 'not yes/no: "maybe"' },
    ]);
  });
});
