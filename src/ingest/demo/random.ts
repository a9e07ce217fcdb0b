/**
 * Small helpers over a seeded uniform source. Every part of the demo shop draws from its own
 * stream (derived from the seed, a stream number and an index) so that changing how one part
 * is generated, for instance the events, does not shift the numbers any other part receives.
 */
import { seededRandom } from '../../domain/ids.js';
import type { Uniform } from '../../domain/random/distributions.js';

export type Rng = Uniform;

/** Stream numbers; each part of the shop owns one. */
export const STREAM = {
  acquisition: 1,
  customer: 2,
  referral: 3,
  events: 4,
  anonymous: 5,
  campaigns: 6,
  costs: 7,
  orderIds: 8,
  identity: 9,
  consumption: 10,
} as const;

/** A 32-bit seed for (seed, stream, index), mixed so that neighbouring indices are unrelated. */
export function deriveSeed(seed: number, stream: number, index = 0): number {
  let h =
    (Math.imul(seed | 0, 0x27d4eb2d) ^ Math.imul(stream, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>>
    0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform stream for (seed, stream, index). */
export function rngFor(seed: number, stream: number, index = 0): Rng {
  return seededRandom(deriveSeed(seed, stream, index));
}

/** True with probability `p`. */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** An integer in [lo, hi], both inclusive. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** One item of a non-empty list, uniformly. */
export function pickOne<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Draws from a fixed list with weights; the cumulative table is built once. */
export class WeightedPicker<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.items = entries.map((e) => e[0]);
    let sum = 0;
    this.cumulative = entries.map((e) => {
      sum += e[1];
      return sum;
    });
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng() * this.total;
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (x < c[i]!) return this.items[i]!;
    return this.items[this.items.length - 1]!;
  }
}

/** VND prices and amounts are whole thousands, as shops price them. */
export function roundTo1000(vnd: number): number {
  return Math.max(0, Math.round(vnd / 1000) * 1000);
}

/** 16 lowercase hex characters (64 random bits), for anonymous ids. */
export function randomHex16(rng: Rng): string {
  let out = '';
  // Byte by byte from a table: Number#toString(16) is slow when called per customer.
  for (let i = 0; i < 8; i++) out += HEX_BYTES[Math.floor(rng() * 256)];
  return out;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
