import type { Page } from 'playwright-core';

/**
 * Accessibility checks run in the page (plain JavaScript: the project's types have no DOM).
 */

/** A text whose contrast with its background is below WCAG AA. */
export interface LowContrast {
  text: string;
  ratio: number;
  color: string;
  background: string;
}

/**
 * Every visible text node's contrast with the background behind it (the first opaque background
 * among its ancestors), against WCAG 2 AA: 4.5:1, or 3:1 for large text (≥ 24 px, or ≥ 18.66 px
 * bold). SVG charts are left out (their labels are checked by looking at them).
 */
const LOW_CONTRAST = `(() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0] || 0, p[1] || 0, p[2] || 0, p[3] === undefined ? 1 : p[3]];
  };
  const ch = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (parse(bg)[3] > 0.5) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.textContent || '').trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('svg, script, style, [aria-hidden=true], .skip, .visually-hidden')) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.opacity === '0') continue;
    const fg = style.color;
    const bg = background(el);
    const a = lum(parse(fg));
    const b = lum(parse(bg));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) out.push({ text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100, color: fg, background: bg });
  }
  return out;
})()`;

export async function lowContrastTexts(page: Page): Promise<LowContrast[]> {
  return (await page.evaluate(LOW_CONTRAST)) as LowContrast[];
}

const UNLABELLED = `(() => {
  const out = [];
  for (const input of Array.from(document.querySelectorAll('input, select, textarea'))) {
    if (['hidden', 'submit', 'button'].includes(input.type)) continue;
    const named = (input.labels && input.labels.length > 0) || input.getAttribute('aria-label') ||
      input.getAttribute('aria-labelledby') || input.getAttribute('title');
    if (!named) out.push(input.tagName.toLowerCase() + '#' + (input.id || input.name || '?'));
  }
  return out;
})()`;

/** Form controls without an accessible name (a label, aria-label, aria-labelledby or title), by id/name. */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return (await page.evaluate(UNLABELLED)) as string[];
}

/** Whether the page scrolls sideways (content wider than a phone's screen). */
export async function overflowsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate(
    '(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)()',
  )) as boolean;
}
