/**
 * A number in [0, 1) fixed by its key (a run id and a step id): a random split or the holdout
 * draw decides the same way when a step is run again after a crash, and the split is uniform
 * over run ids, which are random. FNV-1a (32 bit) then a murmur3 finaliser to spread the bits.
 */
export function stableDraw(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Whether a new run belongs to the flow's control group (gets nothing, measures the lift). */
export function inHoldout(runId: string, holdoutPercent: number): boolean {
  return holdoutPercent > 0 && stableDraw(`${runId}:holdout`) * 100 < holdoutPercent;
}
