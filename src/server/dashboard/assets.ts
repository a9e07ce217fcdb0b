import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DASHBOARD_JS } from './assets/script.js';
import { DASHBOARD_CSS } from './assets/style.js';

/**
 * The dashboard's static files, served by us (no CDN): htmx from its package, our stylesheet and
 * our small script. Each URL carries a version so that browsers may keep them for a year.
 */
export interface Asset {
  body: string;
  type: string;
}

const require = createRequire(import.meta.url);

function load(): Map<string, Asset> {
  return new Map<string, Asset>([
    [
      'htmx.min.js',
      {
        body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'),
        type: 'text/javascript; charset=utf-8',
      },
    ],
    ['dashboard.css', { body: DASHBOARD_CSS, type: 'text/css; charset=utf-8' }],
    ['dashboard.js', { body: DASHBOARD_JS, type: 'text/javascript; charset=utf-8' }],
  ]);
}

let assets: Map<string, Asset> | undefined;

/** An asset by its file name, or undefined. */
export function asset(name: string): Asset | undefined {
  assets ??= load();
  return assets.get(name);
}

/** A version of the assets (changes when any of them does), for long-lived caching. */
let version: string | undefined;
function assetVersion(): string {
  if (version === undefined) {
    assets ??= load();
    let h = 0;
    for (const a of assets.values())
      for (let i = 0; i < a.body.length; i += 7) h = (h * 31 + a.body.charCodeAt(i)) | 0;
    version = (h >>> 0).toString(36);
  }
  return version;
}

export function assetUrl(name: string): string {
  return `/assets/${name}?v=${assetVersion()}`;
}
