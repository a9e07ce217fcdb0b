import type { Localized } from '../../domain/analytics/types.js';
import { FLOW_TEMPLATE_NAMES, FLOW_TEMPLATES } from '../../domain/flows/templates.js';
import { NurtureError } from '../../errors.js';
import type { AppContext } from '../context.js';
import { createFlow, type FlowView } from './definitions.js';

export interface TemplateInfo {
  name: string;
  about: Localized;
  params: { name: string; default: string; about: string }[];
}

/** The ready flows with their parameters (`nurture flow templates`). */
export function listFlowTemplates(): TemplateInfo[] {
  return FLOW_TEMPLATE_NAMES.map((name) => {
    const t = FLOW_TEMPLATES[name]!;
    return {
      name,
      about: t.about,
      params: Object.entries(t.params).map(([p, spec]) => ({ name: p, ...spec })),
    };
  });
}

/**
 * Creates the flow of a ready template with the given parameters (the others take their
 * defaults) and switches it on unless `draft`. Unknown templates and parameters are invalid input
 * that creates nothing; the built document is checked like any flow (segments must exist).
 */
export async function enableFlowTemplate(
  ctx: AppContext,
  input: { shopId: string; name: string; params?: Record<string, string>; draft?: boolean },
): Promise<FlowView> {
  const template = FLOW_TEMPLATES[input.name];
  if (!template)
    throw new NurtureError(
      'invalid_input',
      `no flow template "${input.name}"; templates: ${FLOW_TEMPLATE_NAMES.join(', ')}`,
      [{ path: 'name', reason: 'unknown template' }],
    );
  const given = input.params ?? {};
  const unknown = Object.keys(given).filter((k) => !(k in template.params));
  if (unknown.length > 0)
    throw new NurtureError(
      'invalid_input',
      `template "${input.name}" has no parameter ${unknown.join(', ')}; parameters: ${Object.keys(template.params).join(', ') || 'none'}`,
      unknown.map((k) => ({ path: `params.${k}`, reason: 'unknown parameter' })),
    );
  const params = {
    ...Object.fromEntries(Object.entries(template.params).map(([k, spec]) => [k, spec.default])),
    ...given,
  };
  return createFlow(ctx, { shopId: input.shopId, document: template.build(params), live: !input.draft });
}
