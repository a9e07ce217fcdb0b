/**
 * Money is exact: amounts travel as decimal strings with at most two fraction digits and are
 * stored as DECIMAL(18,2). Parsing accepts the forms sellers' exports use.
 */

const CURRENCY_NOISE = /[₫đ$€£¥]|VND|VNĐ|USD|EUR|\s/gi;

/**
 * Parses "1.250.000 ₫", "1,250,000", "1250000.00", "1.250.000,50", "-12.5" into a canonical
 * decimal string ("1250000", "1250000.50"). Returns undefined when the text is not an amount.
 */
export function parseAmount(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  let s = String(raw).replace(CURRENCY_NOISE, '');
  if (s === '') return undefined;
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return undefined;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let intPart: string;
  let fracPart = '';
  if (lastDot >= 0 && lastComma >= 0) {
    // Both separators: the later one is the decimal separator.
    const decSep = lastDot > lastComma ? '.' : ',';
    const thouSep = decSep === '.' ? ',' : '.';
    const [i, f = ''] = s.split(decSep) as [string, string?];
    if (s.split(decSep).length !== 2) return undefined;
    if (!validGrouping(i, thouSep)) return undefined;
    intPart = i.split(thouSep).join('');
    fracPart = f;
  } else {
    const sep = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : '';
    if (sep === '') intPart = s;
    else {
      const groups = s.split(sep);
      const last = groups[groups.length - 1] ?? '';
      // One separator followed by exactly three digits, or several of them, groups thousands
      // (VND has no minor unit, so "1.250" is 1250 đồng); otherwise it is a decimal point.
      if (groups.length > 2 || last.length === 3) {
        if (!validGrouping(s, sep)) return undefined;
        intPart = groups.join('');
      } else {
        intPart = groups[0] ?? '';
        fracPart = last;
      }
    }
  }
  if (!/^\d*$/.test(intPart) || !/^\d*$/.test(fracPart)) return undefined;
  if (fracPart.length > 2) {
    if (/[1-9]/.test(fracPart.slice(2))) return undefined;
    fracPart = fracPart.slice(0, 2);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '') || '0';
  const frac = fracPart.replace(/0+$/, '');
  const body = frac ? `${intPart}.${frac.padEnd(2, '0')}` : intPart;
  return negative && body !== '0' ? `-${body}` : body;
}

function validGrouping(s: string, sep: string): boolean {
  const groups = s.split(sep);
  if (groups.length === 1) return true;
  const [first, ...rest] = groups;
  return first !== undefined && /^\d{1,3}$/.test(first) && rest.every((g) => /^\d{3}$/.test(g));
}

/** Formats an amount the Vietnamese way: `1.250.000 ₫`. */
export function formatVnd(amount: number | string): string {
  const n = Math.round(Number(amount));
  const sign = n < 0 ? '-' : '';
  const grouped = Math.abs(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${grouped} ₫`;
}

export function formatMoney(amount: number | string, currency: string, lang: 'vi' | 'en' = 'vi'): string {
  if (currency === 'VND') return formatVnd(amount);
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', { style: 'currency', currency }).format(
    Number(amount),
  );
}
