/**
 * What the imports pages show: the upload form, the history table and one import's status panel
 * (progress while it runs, then its summary and rejected rows, or why the file was refused).
 */
import type { ImportJobView } from '../../../app/import-history.js';
import type { JobState } from '../../../domain/jobs/index.js';
import type { Reject } from '../../../ingest/records.js';
import type { Formatter } from '../../../report/format.js';
import { type Html, html } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { formatLabel, IMPORT_CHOICES } from './import-choices.js';

export const T = {
  upload: { vi: 'Tải tệp lên', en: 'Upload a file' },
  uploadHelp: {
    vi: 'Tệp xuất từ Shopify, Haravan, Shopee, Lazada, TikTok Shop (CSV, UTF-8). Tệp được nhập ở chế độ nền; trang sau cho thấy tiến độ và các dòng lỗi.',
    en: 'An export from Shopify, Haravan, Shopee, Lazada or TikTok Shop (CSV, UTF-8). It is imported in the background; the next page shows the progress and the rejected rows.',
  },
  format: { vi: 'Loại tệp', en: 'File type' },
  file: { vi: 'Tệp', en: 'File' },
  skipInvalid: {
    vi: 'Bỏ qua dòng lỗi (nhập các dòng hợp lệ, liệt kê dòng lỗi)',
    en: 'Skip invalid rows (import the valid rows, list the bad ones)',
  },
  start: { vi: 'Nhập dữ liệu', en: 'Import' },
  uploading: { vi: 'Đang tải tệp lên', en: 'Uploading the file' },
  history: { vi: 'Lịch sử nhập', en: 'Import history' },
  noHistory: { vi: 'Chưa nhập tệp nào.', en: 'No imports yet.' },
  when: { vi: 'Thời gian', en: 'When' },
  state: { vi: 'Trạng thái', en: 'State' },
  rowsRead: { vi: 'Dòng đã đọc', en: 'Rows read' },
  imported: { vi: 'Đã nhập', en: 'Imported' },
  rejected: { vi: 'Dòng lỗi', en: 'Rejected rows' },
  chooseFile: { vi: 'Hãy chọn một tệp để nhập.', en: 'Choose a file to import.' },
  badFormat: { vi: 'Loại tệp không hợp lệ.', en: 'Unknown file type.' },
  queued: { vi: 'Đang chờ', en: 'Queued' },
  running: { vi: 'Đang nhập', en: 'Importing' },
  done: { vi: 'Hoàn tất', en: 'Done' },
  failed: { vi: 'Thất bại', en: 'Failed' },
  retrying: {
    vi: 'Lần thử trước bị lỗi; sẽ thử lại lúc {at}.',
    en: 'The last attempt failed; it will be tried again at {at}.',
  },
  failedNothing: { vi: 'Không có dữ liệu nào được nhập.', en: 'Nothing was imported.' },
  refusedState: { vi: 'Bị từ chối', en: 'Refused' },
  refused: {
    vi: 'Tệp bị từ chối vì có {n} dòng lỗi; không có dữ liệu nào được nhập. Sửa các dòng dưới đây, hoặc tải tệp lên lại với “Bỏ qua dòng lỗi”.',
    en: 'The file was refused: {n} rows are invalid, and nothing was imported. Fix the rows below, or upload the file again with “Skip invalid rows”.',
  },
  progress: { vi: 'Tiến độ', en: 'Progress' },
  progressText: { vi: '{percent} · {rows} dòng đã đọc', en: '{percent} · {rows} rows read' },
  waiting: { vi: 'Đang chờ đến lượt…', en: 'Waiting for its turn…' },
  refresh: { vi: 'Tải lại', en: 'Refresh' },
  autoRefresh: { vi: 'Trang tự cập nhật mỗi giây.', en: 'This page updates itself every second.' },
  orders: { vi: 'Đơn hàng', en: 'Orders' },
  customers: { vi: 'Khách hàng mới', en: 'New customers' },
  merged: { vi: 'Khách được gộp', en: 'Customers merged' },
  events: { vi: 'Sự kiện', en: 'Events' },
  products: { vi: 'Sản phẩm', en: 'Products' },
  costs: { vi: 'Chi phí marketing', en: 'Marketing costs' },
  seconds: { vi: 'Thời gian chạy', en: 'Time taken' },
  rejects: { vi: 'Các dòng bị từ chối', en: 'Rejected rows' },
  rejectsShown: {
    vi: 'Hiển thị {shown} trên {total} dòng lỗi.',
    en: 'Showing {shown} of {total} rejected rows.',
  },
  line: { vi: 'Dòng', en: 'Line' },
  column: { vi: 'Cột', en: 'Column' },
  reason: { vi: 'Lý do', en: 'Reason' },
  noRejects: { vi: 'Không có dòng lỗi.', en: 'No rejected rows.' },
  another: { vi: 'Nhập tệp khác', en: 'Import another file' },
  fileLabel: { vi: 'Tệp: {name}', en: 'File: {name}' },
} as const satisfies Catalogue;

/** Rejected rows listed on the page (the job keeps up to 1000): a page stays light. */
const REJECTS_SHOWN = 200;

/** The import's state as the seller reads it: a refused file is refused, whatever its job does next. */
export function stateOf(job: ImportJobView): JobState | 'refused' {
  return job.refused && job.state !== 'done' ? 'refused' : job.state;
}

export function stateLabel(state: JobState | 'refused', lang: Lang): string {
  return tr(state === 'refused' ? T.refusedState : T[state], lang);
}

/** The upload form: a plain multipart form (the CSRF token in its action), working without JS. */
export function uploadForm(lang: Lang, csrf: string, values: { choice: string; skipInvalid: boolean }): Html {
  return html`<form class="panel" method="post" action="/imports?_csrf=${encodeURIComponent(csrf)}" enctype="multipart/form-data" data-upload-progress="#upload-progress">
<h2>${tr(T.upload, lang)}</h2>
<p class="muted">${tr(T.uploadHelp, lang)}</p>
<div class="form-row"><label for="format">${tr(T.format, lang)}</label>
<select id="format" name="format">${IMPORT_CHOICES.map(
    (c) =>
      html`<option value="${c.value}"${c.value === values.choice ? ' selected' : ''}>${tr(c.label, lang)}</option>`,
  )}</select></div>
<div class="form-row check"><input type="checkbox" id="skipInvalid" name="skipInvalid" value="1"${values.skipInvalid ? ' checked' : ''}>
<label for="skipInvalid">${tr(T.skipInvalid, lang)}</label></div>
<div class="form-row"><label for="file">${tr(T.file, lang)}</label>
<input type="file" id="file" name="file" required accept=".csv,.tsv,.txt,.jsonl,.json,text/csv"></div>
<progress id="upload-progress" hidden aria-label="${tr(T.uploading, lang)}"></progress>
<button type="submit">${tr(T.start, lang)}</button>
</form>`;
}

/** What an import brought in, in a few words: "12 đơn hàng · 3 khách hàng mới". */
function importedText(job: ImportJobView, lang: Lang, fmt: Formatter): string {
  const s = job.summary;
  if (!s) return '';
  const parts: [number, keyof typeof T][] = [
    [s.orders, 'orders'],
    [s.customers, 'customers'],
    [s.events, 'events'],
    [s.products, 'products'],
    [s.marketingCosts, 'costs'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, key]) => `${fmt.count(n)} ${tr(T[key], lang).toLowerCase()}`)
    .join(' · ');
}

/** The shop's recent imports. */
export function historyTable(jobs: readonly ImportJobView[], lang: Lang, fmt: Formatter, zone: string): Html {
  if (jobs.length === 0) return html`<p class="muted">${tr(T.noHistory, lang)}</p>`;
  return html`<div class="scroll"><table class="data" id="import-history">
<thead><tr><th scope="col">${tr(T.when, lang)}</th><th scope="col">${tr(T.file, lang)}</th><th scope="col">${tr(T.format, lang)}</th>
<th scope="col">${tr(T.state, lang)}</th><th scope="col" class="num">${tr(T.rowsRead, lang)}</th><th scope="col">${tr(T.imported, lang)}</th><th scope="col" class="num">${tr(T.rejected, lang)}</th></tr></thead>
<tbody>${jobs.map((job) => {
    const label = formatLabel(job.format, job.mapping);
    const rows = job.summary?.rowsRead ?? job.progress?.rowsRead;
    return html`<tr>
<td><a href="/imports/${encodeURIComponent(job.jobId)}">${fmt.dateTime(job.createdAt, zone)}</a></td>
<td class="file">${job.fileName ?? '—'}</td>
<td>${label ? tr(label, lang) : '—'}</td>
<td><span class="state ${stateOf(job)}">${stateLabel(stateOf(job), lang)}</span></td>
<td class="num">${rows === undefined ? '—' : fmt.count(rows)}</td>
<td>${importedText(job, lang, fmt)}</td>
<td class="num">${job.summary ? fmt.count(job.summary.rejected) : job.refused ? fmt.count(job.refused.rejected) : '—'}</td>
</tr>`;
  })}</tbody></table></div>`;
}

function progressBlock(job: ImportJobView, lang: Lang, fmt: Formatter): Html {
  const p = job.progress;
  if (!p || job.state === 'queued')
    return html`<p><label for="import-progress">${tr(T.progress, lang)}</label>
<progress id="import-progress">${tr(T.waiting, lang)}</progress> <span class="muted">${tr(T.waiting, lang)}</span></p>`;
  const ratio = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  return html`<p><label for="import-progress">${tr(T.progress, lang)}</label>
<progress id="import-progress" max="${p.totalBytes}" value="${Math.min(p.bytesRead, p.totalBytes)}">${fmt.percent(ratio, 0)}</progress>
<span>${fill(T.progressText, lang, { percent: fmt.percent(ratio, 0), rows: fmt.count(p.rowsRead) })}</span></p>`;
}

/** The rejected rows by line, column and reason (the first ones, with how many there are in all). */
function rejectsTable(shown: readonly Reject[], total: number, lang: Lang, fmt: Formatter): Html {
  return html`${total > shown.length ? html`<p class="muted">${fill(T.rejectsShown, lang, { shown: fmt.count(shown.length), total: fmt.count(total) })}</p>` : ''}
<div class="scroll"><table class="data" id="rejects"><thead><tr><th scope="col" class="num">${tr(T.line, lang)}</th><th scope="col">${tr(T.column, lang)}</th><th scope="col">${tr(T.reason, lang)}</th></tr></thead>
<tbody>${shown.map((r) => html`<tr><td class="num">${r.line}</td><td>${r.column ?? '—'}</td><td>${r.reason}</td></tr>`)}</tbody></table></div>`;
}

/** Why nothing was imported: a refused file's rows, or the error as it was written. */
function errorBlock(job: ImportJobView, lang: Lang, fmt: Formatter, zone: string): Html {
  if (!job.error || job.summary) return html``;
  if (job.refused)
    return html`<div class="error" role="alert"><p>${fill(T.refused, lang, { n: fmt.count(job.refused.rejected) })}</p></div>
<h2>${tr(T.rejects, lang)}</h2>
${rejectsTable(job.refused.rejects.slice(0, REJECTS_SHOWN), job.refused.rejected, lang, fmt)}`;
  return html`<div class="error" role="alert">${job.state === 'queued' ? html`<p>${fill(T.retrying, lang, { at: fmt.dateTime(job.runAt, zone) })}</p>` : html`<p>${tr(T.failedNothing, lang)}</p>`}
<pre>${job.error}</pre></div>`;
}

function summaryBlock(job: ImportJobView, lang: Lang, fmt: Formatter): Html {
  const s = job.summary;
  if (!s) return html``;
  const cards: [keyof typeof T, string][] = [
    ['rowsRead', fmt.count(s.rowsRead)],
    ['orders', fmt.count(s.orders)],
    ['customers', fmt.count(s.customers)],
    ['rejected', fmt.count(s.rejected)],
  ];
  if (s.merged > 0) cards.push(['merged', fmt.count(s.merged)]);
  if (s.events > 0) cards.push(['events', fmt.count(s.events)]);
  if (s.products > 0) cards.push(['products', fmt.count(s.products)]);
  if (s.marketingCosts > 0) cards.push(['costs', fmt.count(s.marketingCosts)]);
  const shown = s.rejects.slice(0, REJECTS_SHOWN);
  return html`<div class="cards">${cards.map(
    ([key, value]) =>
      html`<div class="card"><div class="label">${tr(T[key], lang)}</div><div class="value">${value}</div></div>`,
  )}</div>
<h2>${tr(T.rejects, lang)}</h2>
${
  shown.length === 0
    ? html`<p class="muted">${tr(T.noRejects, lang)}</p>`
    : rejectsTable(shown, s.rejected, lang, fmt)
}`;
}

/**
 * One import's status. While it is queued or running, the panel asks for itself again every
 * second (htmx replaces it); once finished it comes without the trigger, so the polling stops.
 */
export function statusPanel(job: ImportJobView, lang: Lang, fmt: Formatter, zone: string): Html {
  const state = stateOf(job);
  const finished = state === 'done' || state === 'failed' || state === 'refused';
  const url = `/imports/${encodeURIComponent(job.jobId)}`;
  const polling = finished ? '' : html` hx-get="${url}" hx-trigger="every 1s" hx-swap="outerHTML"`;
  return html`<section id="import-status" class="panel"${polling} aria-live="polite" data-state="${state}">
<p><span class="state ${state}">${stateLabel(state, lang)}</span>
${job.fileName ? html` · ${fill(T.fileLabel, lang, { name: job.fileName })}` : ''}
· <time datetime="${job.createdAt.toISOString()}">${fmt.dateTime(job.createdAt, zone)}</time></p>
${finished ? '' : progressBlock(job, lang, fmt)}
${errorBlock(job, lang, fmt, zone)}
${summaryBlock(job, lang, fmt)}
${finished ? html`<p><a href="/imports">${tr(T.another, lang)}</a></p>` : html`<p class="muted">${tr(T.autoRefresh, lang)} <a href="${url}">${tr(T.refresh, lang)}</a></p>`}
</section>`;
}
