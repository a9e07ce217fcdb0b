import { NurtureError } from '../errors.js';

export interface RateLimit {
  /** Requests per second, sustained. */
  perSecond: number;
  /** Requests allowed at once above the rate. */
  burst: number;
}

/**
 * Token buckets by key (an API key, an IP address): each request takes a token; tokens come back
 * at `perSecond`, up to `burst`. In memory, per process: a limit against floods, not an account.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes a token for `key`, or throws rate_limited (429) naming `what`. */
  take(key: string, what: string): void {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((t - b.at) / 1000) * this.limit.perSecond);
    b.at = t;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      throw new NurtureError('rate_limited', `too many requests for this ${what}; slow down`);
    }
    b.tokens -= 1;
    if (this.buckets.size >= this.maxKeys && !this.buckets.has(key)) this.buckets.clear();
    this.buckets.set(key, b);
  }
}
