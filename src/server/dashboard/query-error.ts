import type { NurtureError } from '../../errors.js';
import { formError } from './error-page.js';
import { type Html, html } from './html.js';
import { type Catalogue, fill, type Lang } from './i18n.js';

const T = {
  errorAt: { vi: 'Lỗi ở dòng {line}, cột {column}', en: 'Error at line {line}, column {column}' },
  didYouMean: { vi: 'Có phải ý bạn là: {word}?', en: 'Did you mean: {word}?' },
} as const satisfies Catalogue;

/** Characters of the query line shown on each side of an error's place (fits a phone). */
const AROUND = 18;

/** The line of the query around the error, with a caret under the place (same monospace font). */
function caretLines(query: string, line: number, column: number): Html {
  const chars = Array.from(query.split(/\r\n|\r|\n/)[line - 1] ?? '');
  const at = Math.max(0, column - 1);
  const start = Math.max(0, at - AROUND);
  const end = Math.min(chars.length, at + AROUND + 1);
  const before = start > 0 ? '…' : '';
  const after = end < chars.length ? '…' : '';
  const head = `${before}${chars.slice(start, at).join('')}`;
  const mark = chars[at] ?? ' ';
  const tail = `${chars.slice(at + 1, end).join('')}${after}`;
  return html`<pre class="caret" aria-hidden="true">${head}<mark>${mark}</mark>${tail}
${' '.repeat(Array.from(head).length)}^</pre>`;
}

/** "unknown field ordres; did you mean orders?" → the reason and the suggested word apart. */
export function splitSuggestion(reason: string): { reason: string; suggestion: string | undefined } {
  const m = /^(.*?);\s*did you mean (.+?)\?(.*)$/s.exec(reason);
  if (!m) return { reason, suggestion: undefined };
  return { reason: `${m[1] ?? ''}${m[3] ?? ''}`.trim(), suggestion: m[2] };
}

/**
 * A segment query's error as every page shows it under the query: where (line, column), the
 * reason, the language's suggestion, and the query line with the place marked and a caret under it.
 * An error without a place is shown as a form error.
 */
export function queryErrorBox(query: string, error: NurtureError, lang: Lang): Html {
  const place = error.details.find((d) => d.line !== undefined && typeof d.column === 'number');
  if (!place || place.line === undefined || typeof place.column !== 'number') return formError(error, lang);
  const { line, column } = place;
  const { reason, suggestion } = splitSuggestion(place.reason);
  return html`<div class="error query-error" role="alert" data-line="${line}" data-column="${column}">
<strong>${fill(T.errorAt, lang, { line, column })}</strong>: <span lang="en">${reason}</span>
${suggestion ? html`<p class="suggestion"><strong>${fill(T.didYouMean, lang, { word: suggestion })}</strong></p>` : ''}
${caretLines(query, line, column)}
</div>`;
}
