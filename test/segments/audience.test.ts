import { describe, expect, it } from 'vitest';
import {
  type AudienceRow,
  adsRow,
  audienceFile,
  normaliseCity,
  normaliseCountry,
  normaliseEmail,
  normaliseName,
  normalisePhone,
} from '../../src/domain/segments/audience.js';
import { spreadsheetText } from '../../src/domain/spreadsheet.js';
import { sha256 } from '../../src/store/segments/sha256.js';

const row = (over: Partial<AudienceRow> = {}): AudienceRow => ({
  customerId: 'cus_1',
  firstName: ' Lan ',
  lastName: 'Nguyễn',
  phone: '+84912345678',
  email: ' Lan.Nguyen@Example.VN ',
  city: 'TP. Hồ Chí Minh',
  country: null,
  consent: { email: true, sms: null, zalo: null, messenger: null },
  orders: 3,
  amountSpent: 1_250_000,
  lastOrderDate: '2026-02-01',
  enteredAt: new Date('2026-03-01T00:00:00Z'),
  ...over,
});

describe('audience export', () => {
  it('normalises identifiers as the ad platforms match them', () => {
    expect(normaliseEmail(' Lan.Nguyen@Example.VN ')).toBe('lan.nguyen@example.vn');
    expect(normalisePhone('+84 912-345-678')).toBe('+84912345678');
    expect(normalisePhone('0912345678')).toBeNull();
    expect(normaliseCity('TP. Hồ Chí Minh')).toBe('tphochiminh');
    expect(normaliseCity('Đà Nẵng')).toBe('danang');
    expect(normaliseCountry(null, '+84912345678')).toBe('vn');
    expect(normaliseCountry('Việt Nam', null)).toBe('vn');
    expect(normaliseCountry('SG', '+84912345678')).toBe('sg');
  });

  it('writes the ads row in E.164, and SHA-256 hashes it on request', () => {
    expect(adsRow(row(), undefined)).toEqual([
      'lan.nguyen@example.vn',
      '+84912345678',
      'lan',
      'nguyễn',
      'tphochiminh',
      'vn',
    ]);
    const hashed = adsRow(row(), sha256)!;
    // Known digests: SHA-256 of the normalised e-mail, and of the phone's digits without '+'.
    expect(sha256('test@example.com')).toBe(
      '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b',
    );
    expect(hashed[0]).toBe(sha256('lan.nguyen@example.vn'));
    expect(hashed[1]).toBe(sha256('84912345678'));
    expect(hashed.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
    expect(adsRow(row({ phone: null, email: null }), undefined)).toBeUndefined();
  });

  it('leaves out customers without marketing consent unless asked', () => {
    const rows = [
      row(),
      row({ customerId: 'cus_2', consent: { email: false, sms: null, zalo: null, messenger: null } }),
      row({
        customerId: 'cus_3',
        consent: { email: null, sms: null, zalo: true, messenger: null },
        phone: null,
        email: null,
      }),
    ];
    const ads = audienceFile(rows, { format: 'ads', hash: false, includeWithoutConsent: false }, sha256);
    expect(ads).toMatchObject({ rows: 1, withoutConsent: 1, withoutContact: 1 });
    expect(ads.text).toBe(
      'email,phone,fn,ln,ct,country\r\nlan.nguyen@example.vn,+84912345678,lan,nguyễn,tphochiminh,vn\r\n',
    );
    const csv = audienceFile(rows, { format: 'csv', hash: false, includeWithoutConsent: true }, sha256);
    expect(csv.rows).toBe(3);
    expect(csv.text.split('\r\n')[1]).toBe(
      'cus_1," Lan ",Nguyễn,+84912345678," Lan.Nguyen@Example.VN ",TP. Hồ Chí Minh,true,,,,3,1250000,2026-02-01,2026-03-01T00:00:00.000Z',
    );
    const json = JSON.parse(
      audienceFile(rows, { format: 'json', hash: false, includeWithoutConsent: false }, sha256).text,
    );
    expect(json.map((r: { customer_id: string }) => r.customer_id)).toEqual(['cus_1', 'cus_3']);
    expect(json.slice(0, 1)).toEqual([
      {
        customer_id: 'cus_1',
        first_name: ' Lan ',
        last_name: 'Nguyễn',
        phone: '+84912345678',
        email: ' Lan.Nguyen@Example.VN ',
        city: 'TP. Hồ Chí Minh',
        accepts_email: true,
        accepts_sms: null,
        accepts_zalo: null,
        accepts_messenger: null,
        number_of_orders: 3,
        amount_spent: 1250000,
        last_order_date: '2026-02-01',
        entered_at: '2026-03-01T00:00:00.000Z',
      },
    ]);
  });

  it('prefixes text cells a spreadsheet would run as formulas in the CSV, not in JSON or the ads upload', () => {
    expect(spreadsheetText('-5')).toBe('-5');
    expect(spreadsheetText('=1+1')).toBe("'=1+1");
    expect(spreadsheetText('-1+A1')).toBe("'-1+A1");
    expect(spreadsheetText('\t=1')).toBe("'\t=1");
    const evil = row({
      firstName: '=HYPERLINK("http://x.example","click")',
      lastName: '@SUM(1+1)',
      city: '-2+3',
      email: '+lan@example.vn',
    });
    const csv = audienceFile(
      [evil],
      { format: 'csv', hash: false, includeWithoutConsent: false },
      sha256,
    ).text;
    const line = csv.split('\r\n')[1]!;
    expect(line).toBe(
      `cus_1,"'=HYPERLINK(""http://x.example"",""click"")",'@SUM(1+1),+84912345678,'+lan@example.vn,'-2+3,true,,,,3,1250000,2026-02-01,2026-03-01T00:00:00.000Z`,
    );
    const json = audienceFile(
      [evil],
      { format: 'json', hash: false, includeWithoutConsent: false },
      sha256,
    ).text;
    expect(JSON.parse(json)[0].first_name).toBe('=HYPERLINK("http://x.example","click")');
    // The ads file is for upload: the phone stays E.164, names lose their punctuation.
    const ads = adsRow(evil, undefined)!;
    expect(ads).toEqual(['+lan@example.vn', '+84912345678', 'hyperlinkhttpxexampleclick', 'sum', '23', 'vn']);
    for (const v of ads.slice(2)) expect(v).not.toMatch(/^[=+\-@]/);
  });

  it('normalises names as Meta does before hashing: lower case, no punctuation, letters kept', () => {
    expect(normaliseName(' Nguyễn Thị-Hồng. ')).toBe('nguyễn thịhồng');
    expect(normaliseName("O'Brien")).toBe('obrien');
    expect(normaliseName('Mary-Jane  Smith')).toBe('maryjane smith');
    expect(normaliseName('Hồng'.normalize('NFD'))).toBe('hồng');
    const hashed = adsRow(row({ firstName: 'Thị-Hồng.', lastName: "N'guyễn" }), sha256)!;
    expect(hashed[2]).toBe(sha256('thịhồng'));
    expect(hashed[3]).toBe(sha256('nguyễn'));
  });
});
