import { type Formatter, formatterFor } from '../report/format.js';
import { type Catalogue, fill } from '../report/i18n.js';

/** The bar's words: rows a second and the time left. */
const T = {
  rate: { vi: '{n} dòng/giây', en: '{n} rows/s' },
  eta: { vi: 'còn {t}', en: 'ETA {t}' },
} as const satisfies Catalogue;

/** The part of a terminal stream the progress bar needs (process.stderr fits). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressState {
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
}

export interface ProgressBar {
  update(state: ProgressState): void;
  done(): void;
}

/** A one-line progress bar (bar, %, MB, rows/s, ETA) redrawn at most 10 times a second; silent off a TTY. */
export function progressBar(
  stream: ProgressStream,
  f: Formatter = formatterFor('vi'),
  now: () => number = () => performance.now(),
): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const started = now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(s) {
      const t = now();
      if (t - last < 100 && s.bytesRead < s.totalBytes) return;
      last = t;
      drawn = true;
      stream.write(`\r${progressLine(s, (t - started) / 1000, stream.columns ?? 80, f)}\x1b[K`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

/**
 * The bar's text in the formatter's language, e.g.
 * `[#########-----------]  45%  24,5/54,5 MB  512.300 dòng/giây  còn 3s` (vi) or
 * `[#########-----------]  45%  24.5/54.5 MB  512,300 rows/s  ETA 3s` (en).
 */
export function progressLine(
  s: ProgressState,
  seconds: number,
  columns: number,
  f: Formatter = formatterFor('vi'),
): string {
  const fraction = s.totalBytes > 0 ? Math.min(1, s.bytesRead / s.totalBytes) : 0;
  const rate = seconds > 0 ? Math.round(s.rowsRead / seconds) : 0;
  const eta = fraction > 0 ? Math.max(0, Math.round((seconds * (1 - fraction)) / fraction)) : undefined;
  const mb = (n: number) => f.decimal(n / 1e6, 1);
  const left = fill(T.eta, f.lang, { t: eta === undefined ? '?' : `${eta}s` });
  const tail = `${String(Math.floor(fraction * 100)).padStart(3)}%  ${mb(s.bytesRead)}/${mb(s.totalBytes)} MB  ${fill(T.rate, f.lang, { n: f.count(rate) })}  ${left}`;
  const width = Math.max(10, Math.min(30, columns - tail.length - 4));
  const full = Math.round(fraction * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${tail}`;
}
