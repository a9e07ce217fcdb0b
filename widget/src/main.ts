/**
 * The storefront widget (docs/widget.md). Loaded by one tag on the shop's pages:
 *
 *   <script src="https://HOST/widget.js" data-key="pk_…" async></script>
 *
 * It defines nothing on the page but `window.nurture`. Calls made before it loaded, through the
 * stub `window.nurture = window.nurture || []` (`nurture.push(['track', 'Product Viewed', {…}])`,
 * or the stub methods of the documented snippet), are replayed in order.
 */
import type { Component, Props, Traits } from './components.js';
import { loyaltyPanel } from './loyalty.js';
import { addToCart, pageViews, productViews, referralCapture } from './parts.js';
import { popups } from './popup.js';
import { recommendationBlocks } from './recommend.js';
import { Runtime } from './runtime.js';
import { safe } from './safe.js';
import { survey } from './survey.js';

/** `window.nurture` once loaded. */
export interface NurtureApi {
  version: string;
  track(event: string, properties?: Props): void;
  page(name?: string, properties?: Props): void;
  identify(traits: Traits): void;
  consent(granted: boolean): void;
  flush(): void;
  register(name: string, component: Component): void;
  /** The stub's form: `nurture.push(['track', 'Product Viewed', {…}])`. */
  push(call: unknown): void;
}

const VERSION = '1';

function publicApi(runtime: Runtime): NurtureApi {
  const api: NurtureApi = {
    version: VERSION,
    track: safe((event: string, properties?: Props) => {
      if (typeof event === 'string' && event) runtime.track(event, properties);
    }),
    page: safe((name?: string, properties?: Props) => runtime.page(name, properties)),
    identify: safe((traits: Traits) => {
      if (traits && typeof traits === 'object') runtime.identify(traits);
    }),
    consent: safe((granted: boolean) => runtime.consent(granted === true)),
    flush: safe(() => runtime.flush()),
    register: safe((name: string, component: Component) => runtime.registry.register(name, component)),
    push: safe((call: unknown) => {
      if (!Array.isArray(call) || typeof call[0] !== 'string') return;
      const method = (api as unknown as Record<string, unknown>)[call[0]];
      if (typeof method === 'function' && call[0] !== 'push') method.apply(api, call.slice(1));
    }),
  };
  return api;
}

/** The tag that loaded us: `document.currentScript` (also set for async scripts), else by its key. */
function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.getAttribute('data-key')) return current;
  return document.querySelector<HTMLScriptElement>('script[data-key][src*="widget.js"]');
}

function boot(): void {
  const w = window as unknown as { nurture?: unknown };
  const existing = w.nurture;
  // Loaded twice (two tags): the first one stays.
  if (existing && !Array.isArray(existing) && typeof (existing as NurtureApi).version === 'string') return;
  const script = ownScript();
  const key = script?.getAttribute('data-key');
  if (!script || !key) return;
  const api = (script.getAttribute('data-api') || new URL(script.src, location.href).origin).replace(
    /\/+$/,
    '',
  );
  const runtime = new Runtime(api, key);
  runtime.registry.register('page-views', pageViews);
  runtime.registry.register('product-views', productViews);
  runtime.registry.register('add-to-cart', addToCart);
  runtime.registry.register('referral', referralCapture);
  runtime.registry.register('popups', popups);
  runtime.registry.register('loyalty', loyaltyPanel);
  runtime.registry.register('survey', survey);
  runtime.registry.register('recommendations', recommendationBlocks);
  const nurture = publicApi(runtime);
  w.nurture = nurture;
  if (Array.isArray(existing)) for (const call of existing) nurture.push(call);
  runtime.start();
}

safe(boot)();
