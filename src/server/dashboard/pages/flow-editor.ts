/**
 * Editing a send step's messages at `/flows/:name/steps/:step`: the content per channel in a form
 * with a live preview (htmx posts the unsaved form 400 ms after the last key; previewFlowContent
 * renders it for a sample customer or a chosen one; Liquid errors come back next to their field
 * with line and column). Saving writes a new version through updateFlowDocument with only this
 * step's content changed, then the flow's page says which version new runs use.
 */
import { z } from 'zod';
import type { AppContext } from '../../../app/context.js';
import { type FlowView, requireFlowView, updateFlowDocument } from '../../../app/flows/definitions.js';
import { previewFlowContent, withStepContent } from '../../../app/flows/preview.js';
import type { ChannelKind } from '../../../channels/channel.js';
import { allSteps } from '../../../domain/flows/plan.js';
import type { Step } from '../../../domain/flows/schema.js';
import { NurtureError } from '../../../errors.js';
import { formError } from '../error-page.js';
import { html } from '../html.js';
import { fill, type Lang } from '../i18n.js';
import { definePage, fragment, type PageSpec, page, redirect } from '../page.js';
import {
  channelFields,
  contentFromForm,
  type FieldSpec,
  type FormValues,
  fieldOfPath,
  valuesOf,
} from './flow-editor-content.js';
import {
  type ChannelPreview,
  E,
  editorView,
  errorSlots,
  type FieldProblem,
  previewView,
} from './flow-editor-view.js';
import { flowParams } from './flows.js';
import { stepWords } from './flows-text.js';

const stepParams = flowParams.extend({ step: z.string().min(1).max(64) });
const formSchema = z.record(z.string(), z.string().max(20_000));

type SendStep = Extract<Step, { kind: 'send' }>;

interface Loaded {
  flow: FlowView;
  step: SendStep;
  fields: FieldSpec[];
}

async function load(ctx: AppContext, shopId: string, name: string, stepId: string): Promise<Loaded> {
  const flow = await requireFlowView(ctx, shopId, name);
  const step = [...allSteps(flow.document.steps)].find((s) => s.id === stepId);
  if (step?.kind !== 'send')
    throw new NurtureError('not_found', `flow "${name}" has no send step "${stepId}"`, [
      { path: 'step', reason: 'not a send step of the flow' },
    ]);
  if (flow.state === 'archived')
    throw new NurtureError('conflict', `flow "${name}" is archived; create a new one`, []);
  return { flow, step, fields: step.channels.flatMap((c) => channelFields(c, step.content[c])) };
}

/** Renders every channel of the form's content, collecting the problems per field. */
async function previews(
  ctx: AppContext,
  shopId: string,
  l: Loaded,
  values: FormValues,
): Promise<{ previews: ChannelPreview[]; problems: Map<string, FieldProblem> }> {
  const problems = new Map<string, FieldProblem>();
  const out: ChannelPreview[] = [];
  const lang: Lang = values['preview_lang'] === 'en' ? 'en' : 'vi';
  const customerId = values['preview_customer']?.trim();
  for (const channel of l.step.channels) {
    const made = contentFromForm(channel, l.fields, values, l.step.content[channel]);
    if ('field' in made) {
      problems.set(made.field, { reason: made.reason });
      out.push({ channel, ok: false, reason: made.reason });
      continue;
    }
    try {
      const preview = await previewFlowContent(ctx, {
        shopId,
        name: l.flow.name,
        step: l.step.id,
        channel,
        lang,
        content: made.content,
        ...(customerId ? { customerId } : {}),
      });
      const max = channel === 'sms' ? Number(made.content['maxSegments'] ?? 3) : undefined;
      out.push({ channel, ok: true, preview, ...(max !== undefined ? { maxSegments: max } : {}) });
    } catch (error) {
      if (!(error instanceof NurtureError) || (error.code !== 'invalid_input' && error.code !== 'not_found'))
        throw error;
      for (const d of error.details) {
        const f = d.path ? fieldOfPath(l.fields, channel, d.path) : undefined;
        if (f && !problems.has(f))
          problems.set(f, {
            reason: d.reason,
            ...(d.line !== undefined ? { line: d.line } : {}),
            ...(d.column !== undefined ? { column: d.column } : {}),
          });
      }
      out.push({ channel, ok: false, reason: error.message });
    }
  }
  return { previews: out, problems };
}

function stepTitle(l: Loaded, lang: Lang, fmt: Parameters<typeof stepWords>[2], currency: string): string {
  return fill(E.title, lang, { step: `${stepWords(l.step, lang, fmt, currency)} (${l.step.id})` });
}

export function flowEditorPages(): PageSpec[] {
  return [
    definePage({
      method: 'GET',
      url: '/flows/:name/steps/:step',
      access: 'staff',
      params: stepParams,
      handler: async ({ ctx, shopId, session, lang, fmt, shop, params }) => {
        const l = await load(ctx, shopId, params.name, params.step);
        const values = { ...valuesOf(l.fields, l.step.content), preview_lang: lang };
        const p = await previews(ctx, shopId, l, values);
        return page(
          stepTitle(l, lang, fmt, shop.currency),
          'flows',
          editorView({
            lang,
            csrf: session?.csrfToken ?? '',
            flowName: l.flow.name,
            stepId: l.step.id,
            channels: l.step.channels,
            fields: l.fields,
            values,
            problems: p.problems,
            previews: p.previews,
            nextVersion: l.flow.version + 1,
          }),
        );
      },
    }),
    definePage({
      method: 'POST',
      url: '/flows/:name/steps/:step/preview',
      access: 'staff',
      params: stepParams,
      form: formSchema,
      handler: async ({ ctx, shopId, lang, params, form }) => {
        const l = await load(ctx, shopId, params.name, params.step);
        const p = await previews(ctx, shopId, l, form);
        return fragment(html`${previewView(p.previews, lang)}${errorSlots(l.fields, p.problems, lang)}`);
      },
    }),
    definePage({
      method: 'POST',
      url: '/flows/:name/steps/:step',
      access: 'staff',
      params: stepParams,
      form: formSchema,
      handler: async ({ ctx, shopId, session, lang, fmt, shop, params, form, reply }) => {
        const l = await load(ctx, shopId, params.name, params.step);
        const problems = new Map<string, FieldProblem>();
        const contents: Record<string, unknown> = {};
        for (const channel of l.step.channels) {
          const made = contentFromForm(channel, l.fields, form, l.step.content[channel]);
          if ('field' in made) problems.set(made.field, { reason: made.reason });
          else contents[channel] = made.content;
        }
        let general: NurtureError | undefined;
        if (problems.size === 0)
          try {
            const doc = withStepContent(l.flow.document, l.step.id, contents);
            const saved = await updateFlowDocument(ctx, { shopId, name: l.flow.name, document: doc });
            return redirect(`/flows/${encodeURIComponent(saved.name)}?saved=${saved.version}`);
          } catch (error) {
            if (
              !(error instanceof NurtureError) ||
              (error.code !== 'invalid_input' && error.code !== 'conflict')
            )
              throw error;
            general = error;
            for (const d of error.details) {
              const m = /content\.([a-z]+)\.(.+)$/.exec(d.path ?? '');
              const f = m ? fieldOfPath(l.fields, m[1] as ChannelKind, m[2]!) : undefined;
              if (f && !problems.has(f))
                problems.set(f, {
                  reason: d.reason,
                  ...(d.line !== undefined ? { line: d.line } : {}),
                  ...(d.column !== undefined ? { column: d.column } : {}),
                });
            }
          }
        const p = await previews(ctx, shopId, l, form);
        for (const [k, v] of p.problems) if (!problems.has(k)) problems.set(k, v);
        reply.status(general?.code === 'conflict' ? 409 : 400);
        return page(
          stepTitle(l, lang, fmt, shop.currency),
          'flows',
          editorView({
            lang,
            csrf: session?.csrfToken ?? '',
            flowName: l.flow.name,
            stepId: l.step.id,
            channels: l.step.channels,
            fields: l.fields,
            values: form,
            problems,
            previews: p.previews,
            nextVersion: l.flow.version + 1,
            ...(general ? { general: formError(general, lang) } : {}),
          }),
        );
      },
    }),
  ];
}
