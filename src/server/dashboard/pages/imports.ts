/**
 * Imports: upload a shop's export (a multipart form), imported in the background as an
 * `import.file` job (the same app function as `POST /api/v1/imports?wait=false`); its page follows
 * the job's progress and then shows the summary with the rejected rows by line and column. The
 * history lists the shop's recent imports.
 */
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getImportJob, listImportJobs } from '../../../app/import-history.js';
import { enqueueImport } from '../../../app/import-jobs.js';
import { NurtureError } from '../../../errors.js';
import { formError } from '../error-page.js';
import { html } from '../html.js';
import { COMMON, type Lang, tr } from '../i18n.js';
import { definePage, fragment, type PageSpec, page, redirect } from '../page.js';
import { importChoice } from './import-choices.js';
import { historyTable, statusPanel, T, uploadForm } from './imports-view.js';

const DEFAULT_CHOICE = 'shopify-orders';

/** The first value of a form field sent before the file. */
function fieldOf(upload: MultipartFile, name: string): string | undefined {
  const field = upload.fields[name];
  const first = Array.isArray(field) ? field[0] : field;
  return first && first.type === 'field' && typeof first.value === 'string' ? first.value : undefined;
}

/** The upload's file part, with the fields sent before it (the form puts the file last). */
async function uploadOf(request: FastifyRequest, lang: Lang): Promise<MultipartFile> {
  let upload: MultipartFile | undefined;
  try {
    upload = await request.file();
  } catch {
    throw new NurtureError('invalid_input', tr(T.chooseFile, lang));
  }
  if (!upload || upload.filename === '') {
    upload?.file.resume();
    throw new NurtureError('invalid_input', tr(T.chooseFile, lang));
  }
  return upload;
}

/** The upload form, the history, and each import's page (its status panel refreshes itself). */
export function importPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/imports',
      access: 'staff',
      handler: async ({ ctx, session, shopId, lang, fmt, shop }) => {
        const jobs = await listImportJobs(ctx, { shopId, limit: 20 });
        return page(
          COMMON.imports,
          'imports',
          html`${uploadForm(lang, session?.csrfToken ?? '', { choice: DEFAULT_CHOICE, skipInvalid: true })}
<h2>${tr(T.history, lang)}</h2>
${historyTable(jobs, lang, fmt, shop.timezone)}`,
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/imports',
      access: 'staff',
      multipart: true,
      handler: async ({ ctx, session, shopId, lang, request, reply }) => {
        let values = { choice: DEFAULT_CHOICE, skipInvalid: true };
        try {
          const upload = await uploadOf(request, lang);
          values = {
            choice: fieldOf(upload, 'format') ?? '',
            skipInvalid: fieldOf(upload, 'skipInvalid') === '1',
          };
          const chosen = importChoice(values.choice);
          if (!chosen) {
            upload.file.resume();
            throw new NurtureError('invalid_input', tr(T.badFormat, lang));
          }
          const job = await enqueueImport(ctx, {
            shopId,
            format: chosen.format,
            ...(chosen.mapping ? { mapping: chosen.mapping } : {}),
            skipInvalid: values.skipInvalid,
            stream: upload.file,
            fileName: upload.filename,
          });
          return redirect(`/imports/${encodeURIComponent(job.jobId)}`);
        } catch (error) {
          if (!(error instanceof NurtureError) || error.code !== 'invalid_input') throw error;
          reply.status(400);
          return page(
            COMMON.imports,
            'imports',
            html`${formError(error, lang)}${uploadForm(lang, session?.csrfToken ?? '', values)}`,
          );
        }
      },
    }),
    definePage({
      method: 'GET',
      url: '/imports/:jobId',
      access: 'staff',
      params: z.object({ jobId: z.string().min(1).max(100) }),
      handler: async ({ ctx, shopId, lang, fmt, shop, params, request }) => {
        const job = await getImportJob(ctx, { shopId, jobId: params.jobId });
        const panel = statusPanel(job, lang, fmt, shop.timezone);
        if (request.headers['hx-request'] === 'true') return fragment(panel);
        return page(COMMON.imports, 'imports', panel);
      },
    }),
  ];
}
