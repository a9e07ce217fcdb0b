/**
 * A flow drawn as a graph, on the server as SVG (no client library): the trigger at the top,
 * then the steps top to bottom, a branching step's branches side by side (wait for an event:
 * happened / timed out; condition: yes / no; split: each branch with its share), each branch
 * joining back where the document continues. Each node says its kind in words and its figures
 * (runs through it, messages sent); each branch edge its count. Long texts are cut, with the whole
 * text in the node's <title> (a tooltip); the outline list beside it reads the same for screen
 * readers.
 */
import type { FlowStats } from '../../../app/flows/messages.js';
import { branchesOf } from '../../../domain/flows/plan.js';
import type { FlowDocument, Step } from '../../../domain/flows/schema.js';
import type { Formatter } from '../../../report/format.js';
import { escapeHtml, type Html, html, raw } from '../html.js';
import { type Catalogue, fill, type Lang, tr } from '../i18n.js';
import { branchWords, stepWords, triggerWords } from './flows-text.js';

const NODE_W = 240;
const LINE = 16;
const NODE_H = 4 * LINE + 10;
const GAP_Y = 30;
const LABEL_H = 22;
const GAP_X = 24;
const EMPTY_W = 110;
const MAX_CHARS = 32;

const G = {
  when: { vi: 'Khi: {t}', en: 'When: {t}' },
  entered: { vi: '{n} lượt vào', en: '{n} runs entered' },
  runs: { vi: '{n} lượt', en: '{n} runs' },
  sent: { vi: '{n} đã gửi', en: '{n} sent' },
  waiting: { vi: '{n} chờ gửi', en: '{n} waiting' },
  notSent: { vi: '{n} không gửi', en: '{n} not sent' },
  exited: { vi: '{n} thoát', en: '{n} exited' },
  continues: { vi: '(đi tiếp)', en: '(continues)' },
  graph: { vi: 'Sơ đồ flow {name}', en: 'Flow {name} as a graph' },
} as const satisfies Catalogue;

interface Ctx {
  lang: Lang;
  fmt: Formatter;
  currency: string;
  counts: Map<string, FlowStats['steps'][number]>;
}

interface Block {
  w: number;
  h: number;
  /** SVG markup with the block's top-left at (x, y). */
  draw(x: number, y: number): string;
}

const esc = (s: string) => escapeHtml(s);

/** Up to two lines of at most MAX_CHARS, the second cut with "…". */
function wrap(text: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [''];
  for (const word of words) {
    const cur = lines[lines.length - 1]!;
    if (cur === '' || `${cur} ${word}`.length <= MAX_CHARS)
      lines[lines.length - 1] = cur ? `${cur} ${word}` : word;
    else lines.push(word);
  }
  const out = lines.slice(0, 2).map((l) => (l.length > MAX_CHARS ? `${l.slice(0, MAX_CHARS - 1)}…` : l));
  if (lines.length > 2) out[1] = `${out[1]!.slice(0, MAX_CHARS - 1)}…`;
  return out;
}

/** What a step's node says under its kind: runs through it, messages, exits. */
export function stepFigures(stepId: string, c: Ctx): string {
  const s = c.counts.get(stepId);
  if (!s) return '';
  const o = s.outcomes;
  const waiting = o['waiting'] ?? 0;
  const others = Object.entries(o).reduce((sum, [k, n]) => (k === 'waiting' ? sum : sum + n), 0);
  const parts: string[] = [];
  const runs = Math.max(waiting, others);
  if (runs > 0) parts.push(fill(G.runs, c.lang, { n: c.fmt.count(runs) }));
  const m = s.messages;
  const sent = (m['sent'] ?? 0) + (m['delivered'] ?? 0);
  const queued = (m['queued'] ?? 0) + (m['sending'] ?? 0) + (m['finalizing'] ?? 0);
  const notSent = Object.entries(m).reduce(
    (sum, [k, n]) => (['sent', 'delivered', 'queued', 'sending', 'finalizing'].includes(k) ? sum : sum + n),
    0,
  );
  if (sent > 0) parts.push(fill(G.sent, c.lang, { n: c.fmt.count(sent) }));
  if (queued > 0) parts.push(fill(G.waiting, c.lang, { n: c.fmt.count(queued) }));
  if (notSent > 0) parts.push(fill(G.notSent, c.lang, { n: c.fmt.count(notSent) }));
  if (o['exit']) parts.push(fill(G.exited, c.lang, { n: c.fmt.count(o['exit']) }));
  return parts.join(' · ');
}

function node(kind: string, title: string, lines: string[], id: string, extra: string, muted: string): Block {
  return {
    w: NODE_W,
    h: NODE_H,
    draw(x, y) {
      const texts = lines
        .map(
          (l, i) =>
            `<text x="${x + 10}" y="${y + 18 + i * LINE}"${i === 0 || i === 1 ? ' font-weight="600"' : ''}>${esc(l)}</text>`,
        )
        .join('');
      return `<g class="node node-${kind}" data-step="${esc(id)}"><title>${esc(title)}</title><rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="8"/>${texts}<text x="${x + 10}" y="${y + 18 + 2 * LINE}" class="muted">${esc(muted)}</text><text x="${x + 10}" y="${y + 18 + 3 * LINE}" class="figures">${esc(extra)}</text></g>`;
    },
  };
}

function kindClass(step: Step): string {
  switch (step.kind) {
    case 'send':
      return 'send';
    case 'wait':
    case 'wait_until_time':
    case 'wait_until_date':
      return 'wait';
    case 'wait_for_event':
    case 'condition':
    case 'split':
      return 'branch';
    default:
      return 'action';
  }
}

function stepNode(step: Step, c: Ctx): Block {
  const words = stepWords(step, c.lang, c.fmt, c.currency);
  const lines = wrap(words);
  return node(kindClass(step), `${words} (${step.id})`, lines, step.id, stepFigures(step.id, c), step.id);
}

const arrow = (x: number, y1: number, y2: number) =>
  `<line class="edge" x1="${x}" y1="${y1}" x2="${x}" y2="${y2}" marker-end="url(#arr)"/>`;

function listBlock(steps: readonly Step[], c: Ctx): Block {
  if (steps.length === 0)
    return {
      w: EMPTY_W,
      h: LINE + 6,
      draw: (x, y) =>
        `<text x="${x + EMPTY_W / 2}" y="${y + LINE}" text-anchor="middle" class="muted">${esc(tr(G.continues, c.lang))}</text>`,
    };
  const blocks = steps.map((s) => stepBlock(s, c));
  const w = Math.max(...blocks.map((b) => b.w));
  const h = blocks.reduce((sum, b) => sum + b.h, 0) + GAP_Y * (blocks.length - 1);
  return {
    w,
    h,
    draw(x, y) {
      let out = '';
      let top = y;
      blocks.forEach((b, i) => {
        out += b.draw(x + (w - b.w) / 2, top);
        top += b.h;
        if (i < blocks.length - 1) out += arrow(x + w / 2, top, top + GAP_Y);
        top += GAP_Y;
      });
      return out;
    },
  };
}

function stepBlock(step: Step, c: Ctx): Block {
  const head = stepNode(step, c);
  const branches = branchesOf(step);
  if (branches.length === 0) return head;
  const subs = branches.map((b) => ({
    name: b.name,
    block: listBlock(b.steps, c),
    ends: b.steps.at(-1)?.kind === 'exit',
  }));
  const inner = subs.reduce((s, b) => s + b.block.w, 0) + GAP_X * (subs.length - 1);
  const w = Math.max(NODE_W, inner);
  const tallest = Math.max(...subs.map((s) => s.block.h));
  const h = NODE_H + GAP_Y + LABEL_H + tallest + GAP_Y;
  const counts = c.counts.get(step.id)?.outcomes ?? {};
  return {
    w,
    h,
    draw(x, y) {
      const cx = x + w / 2;
      let out = head.draw(cx - NODE_W / 2, y);
      const forkY = y + NODE_H + GAP_Y / 2;
      const joinY = y + h - GAP_Y / 2;
      let left = x + (w - inner) / 2;
      const centers = subs.map((s) => {
        const center = left + s.block.w / 2;
        left += s.block.w + GAP_X;
        return center;
      });
      out += `<line class="edge" x1="${cx}" y1="${y + NODE_H}" x2="${cx}" y2="${forkY}"/>`;
      out += `<line class="edge" x1="${Math.min(...centers)}" y1="${forkY}" x2="${Math.max(...centers)}" y2="${forkY}"/>`;
      const joining = centers.filter((_, i) => !subs[i]!.ends);
      if (joining.length > 1)
        out += `<line class="edge" x1="${Math.min(...joining, cx)}" y1="${joinY}" x2="${Math.max(...joining, cx)}" y2="${joinY}"/>`;
      else if (joining.length === 1)
        out += `<line class="edge" x1="${Math.min(joining[0]!, cx)}" y1="${joinY}" x2="${Math.max(joining[0]!, cx)}" y2="${joinY}"/>`;
      subs.forEach((s, i) => {
        const center = centers[i]!;
        const top = forkY + GAP_Y / 2 + LABEL_H;
        const n = counts[`branch:${s.name}`];
        const label = `${branchWords(step, s.name, c.lang)}${n ? ` (${c.fmt.count(n)})` : ''}`;
        out += `<g class="branch" data-branch="${esc(s.name)}"><text x="${center + 4}" y="${forkY + LINE + 2}" class="label">${esc(label)}</text>`;
        out += arrow(center, forkY, top);
        out += s.block.draw(center - s.block.w / 2, top);
        // A branch that ends in an exit step ends the run there: it does not join the rest.
        if (s.ends) out += '</g>';
        else
          out += `<line class="edge" x1="${center}" y1="${top + s.block.h}" x2="${center}" y2="${joinY}"/></g>`;
      });
      out += `<line class="edge" x1="${cx}" y1="${joinY}" x2="${cx}" y2="${y + h}"/>`;
      return out;
    },
  };
}

const O = {
  outline: { vi: 'Xem dạng danh sách', en: 'Show as a list' },
} as const satisfies Catalogue;

/** The same tree as nested lists (phones, screen readers): each step in words with its figures. */
function outline(steps: readonly Step[], c: Ctx): Html {
  return html`<ol>${steps.map((step) => {
    const figures = stepFigures(step.id, c);
    const branches = branchesOf(step);
    const counts = c.counts.get(step.id)?.outcomes ?? {};
    return html`<li data-step="${step.id}">${stepWords(step, c.lang, c.fmt, c.currency)}${
      figures ? html` <span class="muted small">(${figures})</span>` : ''
    }${
      branches.length === 0
        ? ''
        : html`<ul>${branches.map((b) => {
            const n = counts[`branch:${b.name}`];
            return html`<li><strong>${branchWords(step, b.name, c.lang)}</strong>${n ? ` (${c.fmt.count(n)})` : ''}${
              b.steps.length === 0
                ? html` <span class="muted">${tr(G.continues, c.lang)}</span>`
                : outline(b.steps, c)
            }</li>`;
          })}</ul>`
    }</li>`;
  })}</ol>`;
}

/** The flow as an SVG graph, in a box that scrolls sideways when it is wider than the screen. */
export function flowGraph(
  doc: FlowDocument,
  stats: FlowStats | undefined,
  v: { lang: Lang; fmt: Formatter; currency: string; name: string },
): Html {
  const c: Ctx = {
    lang: v.lang,
    fmt: v.fmt,
    currency: v.currency,
    counts: new Map((stats?.steps ?? []).map((s) => [s.stepId, s])),
  };
  const when = fill(G.when, v.lang, { t: triggerWords(doc.trigger, v.lang) });
  const trigger = node(
    'trigger',
    when,
    wrap(when),
    'trigger',
    stats ? fill(G.entered, v.lang, { n: v.fmt.count(stats.runs.entered) }) : '',
    '',
  );
  const body = listBlock(doc.steps, c);
  const pad = 12;
  const w = Math.max(NODE_W, body.w) + 2 * pad;
  const h = NODE_H + GAP_Y + body.h + 2 * pad;
  const title = fill(G.graph, v.lang, { name: v.name });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="flow-graph" role="img" aria-labelledby="flow-graph-title" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-size="12" font-family="system-ui,sans-serif"><title id="flow-graph-title">${esc(title)}</title><defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#57606a"/></marker></defs>${trigger.draw(
    (w - NODE_W) / 2,
    pad,
  )}${arrow(w / 2, pad + NODE_H, pad + NODE_H + GAP_Y)}${body.draw((w - body.w) / 2, pad + NODE_H + GAP_Y)}</svg>`;
  return html`<figure class="flow-graph-box scroll" data-center>${raw(svg)}</figure>
<details class="flow-outline panel"><summary>${tr(O.outline, v.lang)}</summary><p>${when}</p>${outline(doc.steps, c)}</details>`;
}
