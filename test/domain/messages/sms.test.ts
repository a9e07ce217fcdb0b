import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContent } from '../../../src/domain/messages/content.js';
import { renderContent } from '../../../src/domain/messages/render.js';
import {
  isGsm7,
  smsLength,
  stripDiacritics,
  withAdvertisingPrefix,
} from '../../../src/domain/messages/sms.js';

const HCM = 'Asia/Ho_Chi_Minh';

describe('SMS length', () => {
  it('counts GSM-7 texts in 160 / 153 septets', () => {
    expect(smsLength('')).toMatchObject({ encoding: 'gsm7', units: 0, segments: 0 });
    expect(smsLength('a'.repeat(160))).toMatchObject({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161))).toMatchObject({ segments: 2 });
    expect(smsLength('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsLength('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('counts extension characters as two septets, never split across segments', () => {
    expect(smsLength('€'.repeat(80))).toMatchObject({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsLength(`${'a'.repeat(152)}{`)).toMatchObject({ units: 154, segments: 1 });
    // 152 + 2 would straddle the first 153-septet part: the brace moves to the second.
    expect(smsLength(`${'a'.repeat(152)}{${'a'.repeat(10)}`)).toMatchObject({ units: 164, segments: 2 });
    expect(smsLength(`${'a'.repeat(152)}{${'a'.repeat(152)}`)).toMatchObject({ units: 306, segments: 3 });
  });

  it('counts Unicode texts in 70 / 67 code units and names the characters that force it', () => {
    const vi = 'Chào bạn';
    expect(isGsm7(vi)).toBe(false);
    expect(smsLength(vi)).toMatchObject({
      encoding: 'ucs2',
      units: 8,
      segments: 1,
      unicodeCharacters: ['ạ'],
    });
    expect(smsLength('ạ'.repeat(70))).toMatchObject({ segments: 1 });
    expect(smsLength('ạ'.repeat(71))).toMatchObject({ segments: 2 });
    expect(smsLength('ạ'.repeat(134))).toMatchObject({ segments: 2 });
    expect(smsLength('ạ'.repeat(135))).toMatchObject({ segments: 3 });
    // A surrogate pair counts two units and is not split.
    expect(smsLength(`${'ạ'.repeat(66)}😀`)).toMatchObject({ units: 68, segments: 1 });
    expect(smsLength(`${'ạ'.repeat(66)}😀${'ạ'.repeat(3)}`)).toMatchObject({ units: 71, segments: 2 });
    // à and é are in GSM-7; ₫ is not.
    expect(isGsm7('à é ù')).toBe(true);
    expect(smsLength('50.000 ₫').unicodeCharacters).toEqual(['₫']);
  });

  it('segments never undercount: each part holds at most 153 septets / 67 units', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '€', 'ạ', '😀', ' ', '{'), { maxLength: 400 }), (chars) => {
        const text = chars.join('');
        const { encoding, units, segments } = smsLength(text);
        const single = encoding === 'gsm7' ? 160 : 70;
        const part = encoding === 'gsm7' ? 153 : 67;
        if (units === 0) expect(segments).toBe(0);
        else if (units <= single) expect(segments).toBe(1);
        else {
          expect(segments).toBeGreaterThanOrEqual(Math.ceil(units / part));
          expect(segments).toBeLessThanOrEqual(Math.ceil(units / (part - 1)));
        }
      }),
    );
  });
});

describe('stripDiacritics', () => {
  it('writes Vietnamese without tone marks and đ, in GSM-7', () => {
    const text = 'Chào chị Lan, đơn hàng “#1042” đã được giao — cảm ơn chị! Ưu đãi 50.000 ₫… ĐẶT NGAY';
    const plain = stripDiacritics(text);
    expect(plain).toBe(
      'Chao chi Lan, don hang "#1042" da duoc giao - cam on chi! Uu dai 50.000 VND... DAT NGAY',
    );
    expect(isGsm7(plain)).toBe(true);
  });

  it('turns any Vietnamese letter into GSM-7', () => {
    const letters = 'aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵdđ';
    expect(isGsm7(stripDiacritics(letters + letters.toUpperCase()))).toBe(true);
  });
});

describe('promotional SMS', () => {
  it('adds "[QC] " unless the text already starts with it', () => {
    expect(withAdvertisingPrefix('Giảm 10%')).toBe('[QC] Giảm 10%');
    expect(withAdvertisingPrefix('[QC] Giảm 10%')).toBe('[QC] Giảm 10%');
    expect(withAdvertisingPrefix('[qc]Giảm')).toBe('[qc]Giảm');
  });

  it('renders with the prefix, diacritics stripped when asked, and the segment count', () => {
    const c = parseContent({
      channel: 'sms',
      ascii: true,
      text: 'Chào {{ customer.first_name }}, giấy in sắp hết? Mã {{ coupon.code }} giảm {{ coupon | coupon_value }}, hạn 24h.',
    });
    const vars = {
      customer: { first_name: 'Hùng' },
      coupon: { code: 'GIAY50K', kind: 'fixed' as const, value: 50000 },
    };
    const r = renderContent(c, vars, { lang: 'vi', timeZone: HCM, promotional: true });
    expect(r).toEqual({
      ok: true,
      message: {
        channel: 'sms',
        text: '[QC] Chao Hung, giay in sap het? Ma GIAY50K giam 50.000 VND, han 24h.',
        encoding: 'gsm7',
        segments: 1,
      },
      warnings: [],
    });
    const transactional = renderContent(c, vars, { lang: 'vi', timeZone: HCM });
    expect(transactional.ok && transactional.message.channel === 'sms' && transactional.message.text).toMatch(
      /^Chao/,
    );
  });

  it('warns when a message exceeds its segment budget', () => {
    const c = parseContent({ channel: 'sms', text: '{{ body }}', maxSegments: 2 });
    const r = renderContent(c, { body: 'ạ'.repeat(140) }, { lang: 'vi', timeZone: HCM });
    expect(r.ok && r.message.channel === 'sms' && r.message.segments).toBe(3);
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['sms_segments']);
    expect(r.ok && r.warnings[0]?.message.vi).toContain('3 phần');
  });
});
