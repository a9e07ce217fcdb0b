/**
 * Prefixed, sortable IDs (`cus_01J…`): 10 chars of Crockford base32 milliseconds followed by
 * 16 random chars, so IDs sort by creation time. Clock and randomness are injected so that
 * generated shops and tests are deterministic.
 */
export type IdPrefix =
  | 'shop'
  | 'cus'
  | 'ord'
  | 'prd'
  | 'cpn'
  | 'evt'
  | 'fb'
  | 'mrg'
  | 'imp'
  | 'pred'
  | 'seg'
  | 'key'
  | 'whk'
  | 'job'
  | 'usr'
  | 'flow'
  | 'run'
  | 'msg'
  | 'task'
  | 'pts'
  | 'rdm';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface IdSource {
  now(): number;
  random(): number;
}

export const systemIdSource: IdSource = { now: () => Date.now(), random: Math.random };

export function encodeTime(ms: number): string {
  let out = '';
  let t = Math.floor(ms);
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

export function makeIdGenerator(source: IdSource = systemIdSource): (prefix: IdPrefix) => string {
  let lastMs = -1;
  let counter = 0;
  return (prefix) => {
    const ms = source.now();
    // Within one millisecond a counter keeps the order strictly increasing.
    counter = ms === lastMs ? counter + 1 : 0;
    lastMs = ms;
    let rand = '';
    const counterPart = counter.toString(32).toUpperCase().padStart(4, '0').slice(-4);
    for (let i = 0; i < 12; i++) rand += ALPHABET[Math.floor(source.random() * 32)];
    return `${prefix}_${encodeTime(ms)}${counterPart}${rand}`;
  };
}

/** Seeded PRNG (mulberry32): small, fast and good enough for demo data and ids. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
