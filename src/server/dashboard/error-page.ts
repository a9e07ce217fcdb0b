import type { NurtureError } from '../../errors.js';
import { ERROR_HEADLINES } from '../../report/error-text.js';
import { type Html, html } from './html.js';
import { COMMON, type Lang, tr } from './i18n.js';

/** An error as a page shows it: the headline in the reader's language, the message, the places named. */
export function errorPage(error: NurtureError, lang: Lang): Html {
  const message =
    error.code === 'not_found' && error.message === 'no such route'
      ? tr(COMMON.notFound, lang)
      : error.code === 'forbidden' && error.message === 'only the shop owner can open this page'
        ? tr(COMMON.forbidden, lang)
        : error.message;
  return html`<div class="error" role="alert"><strong>${tr(ERROR_HEADLINES[error.code], lang)}</strong>: ${message}
${
  error.details.length > 0
    ? html`<ul>${error.details.map(
        (d) =>
          html`<li>${[
            d.line !== undefined ? `line ${d.line}` : '',
            d.column !== undefined ? `column ${d.column}` : '',
            d.path ?? '',
          ]
            .filter(Boolean)
            .join(', ')}: ${d.reason}</li>`,
      )}</ul>`
    : ''
}</div>
<p><a href="/">${tr(COMMON.back, lang)}</a></p>`;
}

/** A form's failure shown above it (the form keeps what was typed). */
export function formError(error: NurtureError, lang: Lang): Html {
  return html`<div class="error" role="alert"><strong>${tr(ERROR_HEADLINES[error.code], lang)}</strong>: ${error.message}</div>`;
}
