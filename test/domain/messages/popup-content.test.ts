/** A popup's display rules in its content, and the docs' popup examples (docs/widget.md) as written. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sitePopupDocumentSchema } from '../../../src/app/site-popups.js';
import { parseFlowDocument } from '../../../src/domain/flows/check.js';
import { parseContent } from '../../../src/domain/messages/content.js';

describe('popup content', () => {
  it('shows at once, once, and stops after a conversion by default', () => {
    expect(parseContent({ channel: 'popup', title: 'Chào', body: 'Giảm 10%' })).toMatchObject({
      show: { on: 'load' },
      frequency: { stopAfterConversion: true },
    });
  });

  it('rejects an unknown trigger, a scroll past 100 % and an unknown rule, naming the field', () => {
    const problems = (raw: Record<string, unknown>) => {
      try {
        parseContent({ channel: 'popup', title: 'Chào', body: 'x', ...raw });
        return [];
      } catch (error) {
        return ((error as { details?: { path: string }[] }).details ?? []).map((d) => d.path);
      }
    };
    expect(problems({ show: { on: 'hover' } })).toEqual(['show.on']);
    expect(problems({ show: { on: 'scroll', scroll: 150 } })).toEqual(['show.scroll']);
    expect(problems({ frequency: { weeks: 2 } })).toEqual(['frequency']);
  });

  it("parses docs/widget.md's flow and site popup examples", () => {
    const doc = readFileSync(new URL('../../../docs/widget.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] ?? ''));
    const [flow, site] = blocks;
    const parsed = parseFlowDocument(flow);
    const step = parsed.steps.find((s) => s.kind === 'send');
    expect(step).toMatchObject({ channels: ['popup'], expiresAfter: '24h' });
    const popup = sitePopupDocumentSchema.parse(site);
    expect(parseContent({ ...popup.content, channel: 'popup' })).toMatchObject({
      show: { on: 'delay', delay: 5 },
      frequency: { days: 30, stopAfterConversion: true },
    });
  });
});
