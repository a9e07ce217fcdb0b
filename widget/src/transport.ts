/**
 * Sends the widget's calls to `POST /t/v1/batch`: queued, flushed a few seconds after the first
 * one, and at once when the page is hidden or left (`pagehide`, `visibilitychange`), with
 * `navigator.sendBeacon` (text/plain JSON, the key as `writeKey`: no headers, no preflight), or
 * `fetch` with `keepalive` when there is no beacon or it is refused. No retry: a lost batch is
 * lost, and a failure never reaches the page.
 */
import { BoundedQueue } from './queue.js';
import { safe } from './safe.js';

/** A Segment-spec call as the tracking endpoint takes it. */
export interface Call {
  type: 'track' | 'page' | 'identify';
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  anonymousId: string;
  messageId: string;
  timestamp: string;
}

/** How long calls wait for company before they are sent. */
const FLUSH_MS = 3000;

export class Transport {
  private readonly queue = new BoundedQueue<Call>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly writeKey: string,
  ) {
    const flush = safe(() => this.flush());
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flush();
    });
  }

  /** Queues a call; it leaves with the next flush. */
  enqueue(call: Call): void {
    this.queue.push(call);
    if (this.timer === undefined)
      this.timer = setTimeout(
        safe(() => this.flush()),
        FLUSH_MS,
      );
  }

  /** Sends everything queued now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const batch of this.queue.drain()) this.send(batch);
  }

  /** Drops what is queued (consent withdrawn). */
  clear(): void {
    this.queue.clear();
  }

  /** Sends calls at once, past the queue (a referral landing must not wait). */
  send(batch: Call[]): void {
    if (batch.length === 0) return;
    post(this.endpoint, JSON.stringify({ writeKey: this.writeKey, batch, sentAt: new Date().toISOString() }));
  }
}

/**
 * Posts a `text/plain` JSON body that survives the page's unload: a beacon, or `fetch` with
 * `keepalive` when there is none or it is refused. Failures are swallowed.
 */
export function post(endpoint: string, body: string): void {
  try {
    if (typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(endpoint, body)) return;
  } catch {
    // A beacon refused by the browser (too big, blocked): fetch below.
  }
  if (typeof fetch !== 'function') return;
  fetch(endpoint, {
    method: 'POST',
    body,
    keepalive: true,
    mode: 'cors',
    credentials: 'omit',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
  }).catch(() => undefined);
}
