/**
 * The widget's pure parts (no DOM, so the Node tests import them as they are): the bounded call
 * queue, the referral code of a query string, and cookie reading.
 */

/** Calls kept at most while waiting for a flush: a page that tracks in a loop cannot grow memory. */
export const MAX_QUEUED = 100;
/** Calls sent in one request (sendBeacon's budget is 64 KB a page). */
export const BATCH_SIZE = 50;

/** A FIFO of at most `max` items; when full, the oldest is dropped for the newest. */
export class BoundedQueue<T> {
  private items: T[] = [];
  constructor(private readonly max: number = MAX_QUEUED) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  /** Everything queued, in batches of at most `size`, and the queue empty. */
  drain(size: number = BATCH_SIZE): T[][] {
    const batches: T[][] = [];
    for (let i = 0; i < this.items.length; i += size) batches.push(this.items.slice(i, i + size));
    this.items = [];
    return batches;
  }

  clear(): void {
    this.items = [];
  }
}

const REF_CODE = /^[A-Za-z0-9_-]{1,64}$/;

/** The `ref` parameter of a query string (`?ref=CODE`) when it is a well-formed code. */
export function referralCodeOf(search: string): string | undefined {
  const match = /[?&]ref=([^&#]*)/.exec(search);
  if (!match) return undefined;
  let code: string;
  try {
    code = decodeURIComponent((match[1] ?? '').replace(/\+/g, ' ')).trim();
  } catch {
    return undefined;
  }
  return REF_CODE.test(code) ? code : undefined;
}

/** The value of cookie `name` in a `document.cookie` string. */
export function cookieValue(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
