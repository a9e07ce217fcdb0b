/**
 * SMS length: which alphabet a text needs and how many segments it costs. A text made only of
 * GSM 03.38 characters goes as GSM-7 (160 characters, or 153 per segment when split); any other
 * character — every Vietnamese letter with a tone mark but a few — makes the whole text UCS-2
 * (70, or 67 per segment), which costs about twice as much at eSMS and SpeedSMS. Hence
 * `stripDiacritics`, offered as an option (a text without tone marks is still read, if less
 * politely).
 */

/** The GSM 03.38 basic character set (one septet each). */
const GSM_BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
/** The extension table: an escape plus the character (two septets each). */
const GSM_EXTENDED = new Set(Array.from('^{}\\[~]|€\f'));

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** The characters that forced UCS-2 (none for GSM-7), for the seller to replace. */
  unicodeCharacters: string[];
}

/** True when the text can go as GSM-7. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENDED.has(ch)) return false;
  return true;
}

/**
 * The encoding and segment count of a text. A long message is split into parts of 153 septets
 * (GSM-7) or 67 code units (UCS-2); an extension character's two septets and a surrogate pair's
 * two units never straddle two parts, so the count is the one the network bills.
 */
export function smsLength(text: string): SmsLength {
  const chars = Array.from(text);
  const unicode = [...new Set(chars.filter((ch) => !GSM_BASIC.has(ch) && !GSM_EXTENDED.has(ch)))];
  const encoding: SmsEncoding = unicode.length === 0 ? 'gsm7' : 'ucs2';
  const sizes = chars.map((ch) => (encoding === 'gsm7' ? (GSM_EXTENDED.has(ch) ? 2 : 1) : ch.length));
  const units = sizes.reduce((a, b) => a + b, 0);
  const single = encoding === 'gsm7' ? 160 : 70;
  const part = encoding === 'gsm7' ? 153 : 67;
  let segments = units === 0 ? 0 : 1;
  if (units > single) {
    segments = 1;
    let used = 0;
    for (const size of sizes) {
      if (used + size > part) {
        segments++;
        used = 0;
      }
      used += size;
    }
  }
  return { encoding, units, segments, unicodeCharacters: unicode };
}

/** Typographic characters that have a plain GSM-7 stand-in. */
const PLAIN: Record<string, string> = {
  đ: 'd',
  Đ: 'D',
  '₫': 'VND',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  '\u00a0': ' ',
  '•': '-',
};

/**
 * Vietnamese without tone marks and the đ stroke ("Chào bạn, đơn hàng" → "Chao ban, don hang"),
 * typographic quotes and dashes made plain, ₫ written VND: a text that fits GSM-7.
 */
export function stripDiacritics(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    const code = ch.charCodeAt(0);
    if (code >= 0x300 && code <= 0x36f) continue; // combining marks
    out += PLAIN[ch] ?? ch;
  }
  return out.normalize('NFC');
}

/** The Decree 91 advertising prefix, unless the text already starts with "[QC]". */
export function withAdvertisingPrefix(text: string, prefix = '[QC] '): string {
  return /^\s*\[QC\]/i.test(text) ? text : `${prefix}${text}`;
}
