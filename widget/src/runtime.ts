/**
 * The widget's state: waiting for the shop's config, on (tracking allowed), or off (consent
 * required and not given, or withdrawn, or the server unreachable: then for good). Nothing is
 * stored or sent before it is on; calls made while waiting for the config are kept in memory (a
 * few) and replayed once it is on, or dropped if it is not.
 */
import { type Props, Registry, type Traits, type WidgetConfig, type WidgetContext } from './components.js';
import { CONVERSION_KEY } from './popup-rules.js';
import { randomId, safe } from './safe.js';
import { anonymousId, forgetAnonymousId, storeConsent, storedConsent, write } from './storage.js';
import { type Call, Transport } from './transport.js';

const MAX_EARLY = 50;

type State = 'waiting' | 'on' | 'off';

export class Runtime {
  readonly registry = new Registry();
  private state: State = 'waiting';
  private config: WidgetConfig | undefined;
  private early: (() => void)[] = [];
  private readonly transport: Transport;

  constructor(
    private readonly api: string,
    private readonly key: string,
  ) {
    this.transport = new Transport(`${api}/t/v1/batch`, key);
  }

  /** Asks the server for the shop's config; until it answers, nothing leaves the page. */
  start(): void {
    const url = `${this.api}/t/v1/config?writeKey=${encodeURIComponent(this.key)}`;
    fetch(url, { mode: 'cors', credentials: 'omit' })
      .then((res) => (res.ok ? res.json() : Promise.reject(res.status)))
      .then(
        safe((body: { consentRequired?: unknown }) => {
          this.config = { api: this.api, key: this.key, consentRequired: body.consentRequired === true };
          this.decide();
        }),
      )
      .catch(() => this.turnOff());
  }

  /** The visitor's consent: true turns tracking on, false forgets the id and turns it off. */
  consent(granted: boolean): void {
    storeConsent(granted);
    if (!granted) {
      forgetAnonymousId();
      this.turnOff();
    } else if (this.config) this.decide();
  }

  track(event: string, properties?: Props): void {
    this.call({ type: 'track', event, properties: properties ?? {} });
  }

  page(name?: string, properties?: Props): void {
    this.call({ type: 'page', ...(name ? { name } : {}), properties: properties ?? {} });
  }

  identify(traits: Traits): void {
    this.call({ type: 'identify', traits: { ...traits } });
    // Who the visitor is matters more than a few seconds of batching.
    if (this.state === 'on') this.transport.flush();
  }

  flush(): void {
    if (this.state === 'on') this.transport.flush();
  }

  private call(partial: Omit<Call, 'anonymousId' | 'messageId' | 'timestamp'>): void {
    if (this.state === 'off') return;
    const at = new Date().toISOString();
    const send = () => {
      // Popups that stop after a conversion stop from this page on (docs/widget.md, "Popups").
      if (partial.event === 'Order Completed') write(CONVERSION_KEY, String(Date.now()));
      this.transport.enqueue(this.complete(partial, at));
    };
    if (this.state === 'on') send();
    else if (this.early.length < MAX_EARLY) this.early.push(send);
  }

  private complete(partial: Omit<Call, 'anonymousId' | 'messageId' | 'timestamp'>, at: string): Call {
    return { ...partial, anonymousId: anonymousId(), messageId: randomId(), timestamp: at };
  }

  private decide(): void {
    const choice = storedConsent();
    const allowed = choice === true || (choice === undefined && !this.config?.consentRequired);
    if (allowed) this.turnOn();
    else this.turnOff();
  }

  private turnOn(): void {
    const config = this.config;
    if (this.state === 'on' || !config) return;
    this.state = 'on';
    this.registry.start((cleanups) => this.contextFor(config, cleanups));
    for (const send of this.early.splice(0)) send();
  }

  /** Off: nothing queued, nothing mounted. Reversible by consent(true) once the config is known. */
  private turnOff(): void {
    this.early = [];
    this.transport.clear();
    this.registry.stop();
    this.state = 'off';
  }

  private contextFor(config: WidgetConfig, cleanups: (() => void)[]): WidgetContext {
    return {
      config,
      anonymousId,
      track: (event, properties) => this.track(event, properties),
      page: (name, properties) => this.page(name, properties),
      identify: (traits) => this.identify(traits),
      trackNow: (event, properties, messageId) => {
        if (this.state !== 'on') return;
        const call = this.complete({ type: 'track', event, properties }, new Date().toISOString());
        this.transport.send([{ ...call, messageId: messageId ?? call.messageId }]);
      },
      listen: (target, type, handler, capture) => {
        const guarded = safe(handler);
        target.addEventListener(type, guarded, capture);
        cleanups.push(() => target.removeEventListener(type, guarded, capture));
      },
    };
  }
}
