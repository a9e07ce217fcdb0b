/**
 * The widget's component model. Everything the widget does on a page is a component: the
 * built-in tracking parts (page views, product views, add-to-cart, referral capture) and, in
 * later issues, popups, surveys and recommendation blocks. A component is mounted once tracking
 * is allowed (the shop's config is known and consent, when required, given) and unmounted when
 * consent is withdrawn; what it listens to through `ctx.listen` is removed for it.
 */

export type Props = Record<string, unknown>;

/** Who the visitor says they are (`nurture.identify`). */
export interface Traits {
  phone?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  [trait: string]: unknown;
}

/** What the server says of the shop (`GET /t/v1/config`) and where it is. */
export interface WidgetConfig {
  /** The server's base URL, e.g. https://nurture.example.vn. */
  api: string;
  /** The publishable key of the script tag's `data-key`. */
  key: string;
  consentRequired: boolean;
}

/** What a component may do. */
export interface WidgetContext {
  config: WidgetConfig;
  /** The visitor's first-party anonymous id. */
  anonymousId(): string;
  /** Queues a Segment track call (`Product Viewed`, `Product Added`, …). */
  track(event: string, properties?: Props): void;
  /** Queues a page view. */
  page(name?: string, properties?: Props): void;
  identify(traits: Traits): void;
  /** Sends a track call at once, past the queue, with its own message id (dedupe on repeat). */
  trackNow(event: string, properties: Props, messageId?: string): void;
  /** Adds a listener, guarded and removed when the component is unmounted. */
  listen(target: EventTarget, type: string, handler: (event: Event) => void, capture?: boolean): void;
}

/** A component: `mount` may return its own clean-up. */
export interface Component {
  // biome-ignore lint/suspicious/noConfusingVoidType: a component without a clean-up returns nothing.
  mount(ctx: WidgetContext): void | (() => void);
}

interface Mounted {
  component: Component;
  cleanups: (() => void)[];
}

/**
 * The registry of components. `register` mounts at once when the registry is active; `start`
 * mounts all, `stop` unmounts all. A component that throws is skipped, never the others.
 */
export class Registry {
  private readonly entries = new Map<string, Mounted>();
  private context: ((cleanups: (() => void)[]) => WidgetContext) | undefined;

  register(name: string, component: Component): void {
    this.unmount(name);
    const entry: Mounted = { component, cleanups: [] };
    this.entries.set(name, entry);
    if (this.context) this.mount(entry);
  }

  unregister(name: string): void {
    this.unmount(name);
    this.entries.delete(name);
  }

  names(): string[] {
    return Array.from(this.entries.keys());
  }

  /** Mounts every component with a context made for it. */
  start(context: (cleanups: (() => void)[]) => WidgetContext): void {
    if (this.context) return;
    this.context = context;
    for (const entry of Array.from(this.entries.values())) this.mount(entry);
  }

  stop(): void {
    if (!this.context) return;
    for (const name of Array.from(this.entries.keys())) this.unmount(name);
    this.context = undefined;
  }

  private mount(entry: Mounted): void {
    if (!this.context) return;
    try {
      const cleanup = entry.component.mount(this.context(entry.cleanups));
      if (typeof cleanup === 'function') entry.cleanups.push(cleanup);
    } catch {
      // A broken component stays out; the page and the other components go on.
    }
  }

  private unmount(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    for (const cleanup of entry.cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // Nothing to do: it is being removed.
      }
    }
  }
}
