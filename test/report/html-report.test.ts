import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCurrency, formatKpi, type Lang } from '../../src/report/labels.js';
import { browserSkipped, launchChromium } from '../support/browser.js';
import { cli } from '../support/cli.js';
import { skipNote } from '../support/skip.js';

/**
 * Issue 13, 5g: what a seller reads in the HTML reports. Each check reads the generated HTML (and,
 * where only drawing shows it, the page in Chromium): the revenue card keeps "₫" on the amount's
 * line; chart axes format amounts as the tables do; built-in segments and threshold sources are
 * named in the report's language; axis labels are neither clipped nor overlapping; empty RFM
 * columns are explained; the validation chart's actual line stops at the last data date.
 */

const dir = mkdtempSync(join(tmpdir(), 'nurture-html-'));
const db = join(dir, 'shop.duckdb');
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const html = (lang: Lang) => join(dir, `report-${lang}.html`);
const validation = join(dir, 'validation.html');

/** The JSON the page's charts are drawn from. */
function chartData(source: string, id: string): Record<string, unknown> {
  const m = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(source);
  if (!m) throw new Error(`no ${id} in the page`);
  return JSON.parse(m[1]!) as Record<string, unknown>;
}

/** The text of an element of the page, tags removed and entities decoded (enough for these pages). */
function sectionText(source: string, id: string): string {
  const start = source.indexOf(`<section id="${id}">`);
  const end = source.indexOf('</section>', start);
  return source
    .slice(start, end)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

beforeAll(async () => {
  const demo = await cli('demo', '--db', db, '--customers', '400', '--seed', '7', '--until', '2026-10-31');
  expect(demo.code, demo.err).toBe(0);
  for (const lang of ['vi', 'en'] as const) {
    const r = await cli('analyze', '--db', db, '--html', html(lang), '--segments', '--lang', lang);
    expect(r.code, r.err).toBe(0);
  }
  // Data to 31 October, a holdout to 5 December: five weeks without data at the end.
  const v = await cli(
    'predict',
    '--db',
    db,
    '--as-of',
    '2026-12-05',
    '--validate',
    '--holdout-from',
    '2026-06-01',
    '--html',
    validation,
  );
  expect(v.code, v.err).toBe(0);
}, 240_000);

describe('the HTML analysis report', () => {
  it('keeps "₫" on the line of its amount in the KPI cards', () => {
    const source = readFileSync(html('vi'), 'utf8');
    const card = /data-kpi="revenue"><div class="v">([^<]*)<\/div>/.exec(source)?.[1];
    expect(card).toMatch(/^\d{1,3}(\.\d{3})+&nbsp;₫$/);
    expect(source).toMatch(/\.card \.v\{[^}]*white-space:nowrap/);
  });

  it('names built-in segments in the report language, not by their ids', () => {
    const vi = sectionText(readFileSync(html('vi'), 'utf8'), 'segments');
    const en = sectionText(readFileSync(html('en'), 'utf8'), 'segments');
    expect(vi).not.toMatch(/\b(rfm|lifecycle|value):[a-z_]+/);
    expect(en).not.toMatch(/\b(rfm|lifecycle|value):[a-z_]+/);
    // The model first: RFM and the lifecycle both have a "loyal" group.
    expect(vi).toContain('Vòng đời · Khách hàng trung thành');
    expect(vi).toContain('RFM · Khách hàng trung thành');
    expect(vi).toContain('Giá trị · Tập trung – mua thường xuyên');
    expect(en).toContain('Lifecycle · Loyal customer');
    expect(en).toContain('Value · Focus – frequent');
  });

  it('writes the thresholds in the report language', () => {
    const vi = sectionText(readFileSync(html('vi'), 'utf8'), 'value');
    expect(vi).not.toMatch(/fitted|configured|fallback|\d d\b/);
    expect(vi).toMatch(/\d+\u00a0ngày/);
    expect(vi).toMatch(/ước lượng từ dữ liệu|theo cấu hình|mặc định/);
    const en = sectionText(readFileSync(html('en'), 'utf8'), 'value');
    expect(en).toMatch(/\d+\u00a0days/);
  });

  it('says why RFM frequency columns are empty', () => {
    const source = readFileSync(html('vi'), 'utf8');
    const grid = chartData(source, 'report-data')['rfm'] as [number, number, number][];
    const emptyF = [1, 2, 3, 4, 5].filter((f) => grid.filter((c) => c[0] === f - 1).every((c) => c[2] === 0));
    expect(emptyF.length).toBeGreaterThan(0); // a demo shop: most buyers have one order
    const vi = sectionText(source, 'rfm');
    expect(vi).toContain(emptyF.map((f) => `F${f}`).join(', '));
    expect(vi).toMatch(/cùng số đơn/);
    const en = sectionText(readFileSync(html('en'), 'utf8'), 'rfm');
    expect(en).toMatch(/same number of orders share one F score/);
  });
});

describe('the HTML validation report', () => {
  it("stops the actual line at the last data date and keeps the model's line to the end", () => {
    const source = readFileSync(validation, 'utf8');
    const data = chartData(source, 'validation-data') as {
      tracking: { weeks: string[]; actual: (number | null)[]; expected: number[]; lastData: string };
    };
    const { weeks, actual, expected } = data.tracking;
    expect(data.tracking.lastData).toBe('2026-10-31');
    const last = weeks.findIndex((w) => w >= '2026-10-31');
    expect(actual.slice(0, last + 1).every((v) => typeof v === 'number')).toBe(true);
    expect(actual.slice(last + 1)).toEqual(Array(weeks.length - last - 1).fill(null));
    expect(weeks.length - last - 1).toBeGreaterThanOrEqual(4);
    expect(expected.every((v) => typeof v === 'number')).toBe(true);
  });
});

describe.skipIf(browserSkipped)(`the HTML reports in Chromium${skipNote(browserSkipped)}`, () => {
  it('formats chart axes as the tables do, and no axis label is clipped or overlaps another', {
    timeout: 180_000,
  }, async () => {
    const browser = await launchChromium();
    try {
      for (const lang of ['vi', 'en'] as const)
        for (const width of [1280, 760]) {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          const problems: string[] = [];
          page.on('pageerror', (e) => problems.push(e.message));
          await page.goto(`file://${html(lang)}`);
          await page.waitForFunction(
            `[...document.querySelectorAll('.chart')].every((el) => el.dataset.rendered === '1')`,
            undefined,
            { timeout: 60_000 },
          );
          // The revenue card holds its amount on one line, inside the card.
          const card = (await page.evaluate(`(() => {
            const v = document.querySelector('[data-kpi="revenue"] .v');
            return { h: v.getBoundingClientRect().height, fs: parseFloat(getComputedStyle(v).fontSize),
              over: v.scrollWidth > v.clientWidth };
          })()`)) as { h: number; fs: number; over: boolean };
          expect(card.h).toBeLessThan(card.fs * 1.6);
          expect(card.over).toBe(false);
          // The axes' own formatters, called on the values the tables show.
          const axes = (await page.evaluate(`(() => {
            const o = echarts.getInstanceByDom(document.getElementById('chart-lifecycle')).getOption();
            const f = (axis, v) => { const l = o.yAxis[axis].axisLabel; return typeof l.formatter === 'function' ? l.formatter(v) : String(v); };
            return { revenue: [400000000, 950501000, 0].map((v) => f(1, v)), customers: [1200, 35].map((v) => f(0, v)) };
          })()`)) as { revenue: string[]; customers: string[] };
          expect(axes.revenue).toEqual(
            [400_000_000, 950_501_000, 0].map((v) => formatCurrency(v, 'VND', lang)),
          );
          expect(axes.customers).toEqual([1200, 35].map((v) => formatKpi(v, 'count', 'VND', lang)));
          // Every text drawn in a chart lies inside its chart, and no two axis labels overlap.
          const bad = (await page.evaluate(`(() => {
            const out = [];
            for (const el of document.querySelectorAll('.chart')) {
              const chart = echarts.getInstanceByDom(el);
              const w = el.clientWidth, h = el.clientHeight;
              const boxes = chart.getZr().storage.getDisplayList(true)
                .filter((t) => t.style && typeof t.style.text === 'string' && t.style.text.trim() !== '' && !t.ignore && !t.invisible)
                .map((t) => { const r = t.getBoundingRect().clone(); if (t.transform) r.applyTransform(t.transform);
                  return { text: String(t.style.text), x: r.x, y: r.y, w: r.width, h: r.height, z: t.z2 }; });
              if (boxes.length < 5) out.push(el.id + ': no text found to check');
              for (const b of boxes)
                if (b.x < -1 || b.y < -1 || b.x + b.w > w + 1 || b.y + b.h > h + 1) out.push(el.id + ' clipped: ' + b.text);
              const labels = boxes.filter((b) => !/^[\\d.,\\s%₫-]*$/.test(b.text));
              for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
                const a = labels[i], b = labels[j];
                if (a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1)
                  out.push(el.id + ' overlap: ' + a.text + ' / ' + b.text);
              }
            }
            return out;
          })()`)) as string[];
          expect(bad, `${lang} at ${width}px`).toEqual([]);
          expect(problems).toEqual([]);
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, `report-${lang}-${width}.png`), fullPage: true });
          await page.close();
        }
    } finally {
      await browser.close();
    }
  });
});
