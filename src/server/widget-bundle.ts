/**
 * The storefront widget's bundle: widget/src/main.ts (vanilla TypeScript, DOM only) bundled by
 * esbuild into one minified IIFE, once per process, in memory. The sources ship with the package
 * (package.json `files`), so the same code path serves under vitest (src/) and from the built
 * package (dist/src/); esbuild is a runtime dependency for this.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { NurtureError } from '../errors.js';

/** The size contract of the widget (issue 15): at most this many bytes gzipped. */
export const WIDGET_GZIP_BUDGET = 15 * 1024;

export interface WidgetBundle {
  code: string;
  /** A strong ETag of the code. */
  etag: string;
  gzipBytes: number;
}

/**
 * widget/src/main.ts of the package this module belongs to: the nearest one up from here (from
 * src/server/ under vitest, dist/src/server/ in the built package, a test's transpiled copy).
 */
function entryPoint(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const path = join(dir, 'widget', 'src', 'main.ts');
    if (existsSync(path)) return path;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new NurtureError('internal', 'the widget sources (widget/src/main.ts) are not installed');
}

/** Bundles the widget (no cache: `widgetBundle` keeps the process's one). */
export async function buildWidgetBundle(): Promise<WidgetBundle> {
  const entry = entryPoint();
  const result = await build({
    entryPoints: [entry],
    tsconfig: join(dirname(entry), '..', 'tsconfig.json'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2018'],
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const hash = createHash('sha256').update(code).digest('base64url').slice(0, 27);
  return { code, etag: `"${hash}"`, gzipBytes: gzipSync(code, { level: 9 }).length };
}

let cached: Promise<WidgetBundle> | undefined;

/** The widget's bundle, built on first use and kept for the life of the process. */
export function widgetBundle(): Promise<WidgetBundle> {
  cached ??= buildWidgetBundle().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/**
 * The stub that goes before the tag: `window.nurture` as a queue with the API's methods, so
 * that the page's calls made before the widget has loaded are replayed by it, in order.
 */
export const WIDGET_STUB =
  "window.nurture=window.nurture||[];['track','page','identify','consent','flush'].forEach(function(m){nurture[m]=nurture[m]||function(){nurture.push([m].concat([].slice.call(arguments)))}});";

/** The snippet a shop pastes into its pages (docs/widget.md), for `base` and a publishable key. */
export function widgetSnippet(base: string, publishableKey: string): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<script>${WIDGET_STUB}</script>\n<script src="${attr(base.replace(/\/+$/, ''))}/widget.js" data-key="${attr(publishableKey)}" async></script>`;
}
