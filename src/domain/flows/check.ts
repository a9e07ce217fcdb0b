import { type ErrorDetail, NurtureError } from '../../errors.js';
import { parseContent } from '../messages/content.js';
import { parseSegmentQuery } from '../segments/index.js';
import { parseCron } from './cron.js';
import { allSteps } from './plan.js';
import { type FlowDocument, flowDocumentSchema, type Step } from './schema.js';

/**
 * What a flow must satisfy beyond its schema: unique step ids, an exit only at the end of its
 * list, content for every channel a send step names, segment queries and cron that parse, and an
 * entry policy that fits the trigger. Each problem names its place in the document.
 */
export function checkFlow(doc: FlowDocument): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const step of allSteps(doc.steps)) {
    if (seen.has(step.id))
      problems.push({ path: `steps.${step.id}`, reason: `step id "${step.id}" is used twice` });
    seen.add(step.id);
    problems.push(...checkStep(step));
  }
  problems.push(...checkExitPlacement(doc.steps, 'steps'));
  problems.push(...checkTrigger(doc));
  doc.exitWhen.forEach((c, i) => {
    if (c.kind === 'matches') problems.push(...queryProblems(c.query, `exitWhen.${i}.query`));
  });
  return problems;
}

function checkStep(step: Step): ErrorDetail[] {
  const at = `steps.${step.id}`;
  switch (step.kind) {
    case 'send': {
      const problems: ErrorDetail[] = [];
      if (new Set(step.channels).size !== step.channels.length)
        problems.push({ path: `${at}.channels`, reason: 'a channel is listed twice' });
      for (const channel of step.channels)
        if (step.content[channel] === undefined)
          problems.push({
            path: `${at}.content.${channel}`,
            reason: `no content for the ${channel} channel`,
          });
      for (const [channel, raw] of Object.entries(step.content))
        problems.push(...contentProblems(channel, raw, `${at}.content.${channel}`));
      if (step.channels.includes('popup') && step.channels.length > 1)
        problems.push({
          path: `${at}.channels`,
          reason: 'a popup is shown on the storefront, not sent: it cannot be a fallback of another channel',
        });
      return problems;
    }
    case 'condition':
      return queryProblems(step.query, `${at}.query`);
    case 'split': {
      const names = step.branches.map((b) => b.name);
      return new Set(names).size === names.length
        ? []
        : [{ path: `${at}.branches`, reason: 'two branches have the same name' }];
    }
    case 'tag':
      return step.add.length + step.remove.length === 0
        ? [{ path: at, reason: 'a tag step adds or removes at least one tag' }]
        : [];
    default:
      return [];
  }
}

function checkExitPlacement(steps: readonly Step[], path: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  steps.forEach((step, i) => {
    if (step.kind === 'exit' && i < steps.length - 1)
      problems.push({ path: `${path}.${step.id}`, reason: 'steps after an exit would never run' });
    if (step.kind === 'wait_for_event') {
      problems.push(...checkExitPlacement(step.onEvent, `${path}.${step.id}.onEvent`));
      problems.push(...checkExitPlacement(step.onTimeout, `${path}.${step.id}.onTimeout`));
    } else if (step.kind === 'condition') {
      problems.push(...checkExitPlacement(step.yes, `${path}.${step.id}.yes`));
      problems.push(...checkExitPlacement(step.no, `${path}.${step.id}.no`));
    } else if (step.kind === 'split')
      for (const b of step.branches)
        problems.push(...checkExitPlacement(b.steps, `${path}.${step.id}.${b.name}`));
  });
  return problems;
}

function checkTrigger(doc: FlowDocument): ErrorDetail[] {
  const t = doc.trigger;
  const problems: ErrorDetail[] = [];
  if (t.kind === 'schedule') {
    const cron = parseCron(t.cron);
    if (typeof cron === 'string') problems.push({ path: 'trigger.cron', reason: cron });
  }
  if (t.kind === 'broadcast' && Number.isNaN(Date.parse(t.at.length === 10 ? `${t.at}T00:00` : t.at)))
    problems.push({ path: 'trigger.at', reason: 'an ISO 8601 date and time like 2027-01-15T09:00' });
  if (doc.entry.policy === 'every') {
    const fits: Record<typeof doc.entry.key, readonly string[]> = {
      order: ['order'],
      year: ['date'],
      occurrence: ['event', 'schedule', 'segment_entered', 'segment_exited'],
    };
    if (!fits[doc.entry.key].includes(t.kind))
      problems.push({
        path: 'entry.key',
        reason: `"every ${doc.entry.key}" does not fit a ${t.kind} trigger (${describeFits(t.kind)})`,
      });
  }
  return problems;
}

function describeFits(kind: string): string {
  if (kind === 'order') return 'use key: order';
  if (kind === 'date') return 'use key: year';
  if (kind === 'broadcast') return 'a broadcast enters each customer once';
  return 'use key: occurrence';
}

/** A channel's content: its schema and every Liquid template in it (line and column within the field). */
function contentProblems(channel: string, raw: unknown, path: string): ErrorDetail[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return [{ path, reason: 'the content of a channel is an object (see docs/messages.md)' }];
  try {
    parseContent({ ...raw, channel }, path);
    return [];
  } catch (error) {
    if (error instanceof NurtureError) return [...error.details];
    throw error;
  }
}

function queryProblems(query: string, path: string): ErrorDetail[] {
  try {
    parseSegmentQuery(query);
    return [];
  } catch (error) {
    if (error instanceof NurtureError)
      return error.details.length > 0
        ? error.details.map((d) => ({ ...d, path }))
        : [{ path, reason: error.message }];
    throw error;
  }
}

/**
 * A flow document from its parsed YAML or JSON: validated by the schema and `checkFlow`; invalid
 * input naming every problem's place otherwise.
 */
export function parseFlowDocument(input: unknown): FlowDocument {
  const parsed = flowDocumentSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      reason: issue.message,
    }));
    throw invalidFlow(details);
  }
  const problems = checkFlow(parsed.data);
  if (problems.length > 0) throw invalidFlow(problems);
  return parsed.data;
}

function invalidFlow(details: ErrorDetail[]): NurtureError {
  const text = details.map((d) => (d.path ? `${d.path}: ${d.reason}` : d.reason)).join('; ');
  return new NurtureError('invalid_input', `invalid flow: ${text}`, details);
}
