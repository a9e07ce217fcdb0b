/**
 * Identity resolution: which records are one customer. Two records that share a phone, an
 * e-mail or an external id are the same customer, and so is every record connected to them
 * through such keys. Pure: the caller supplies the keys already known to the store.
 */

export interface IdentityKey {
  /** 'phone', 'email' or 'external:<source>'. */
  kind: string;
  value: string;
  /** keyString of this key, when made by identityKey (an import looks each key up several times). */
  readonly key?: string;
}

export interface IdentityRecord {
  keys: readonly IdentityKey[];
}

export interface MergeDecision {
  survivorId: string;
  /** An existing customer absorbed into the survivor, if the merge joined two known customers. */
  mergedCustomerId?: string;
  /** Index of the record whose key joined two customers. */
  recordIndex: number;
  matchedKind: string;
  matchedValue: string;
  reason: string;
}

export interface Resolution {
  /** Customer id of every record, by index; undefined for a record without any key. */
  customerOf: (string | undefined)[];
  /** Customer ids created by this resolution. */
  newCustomers: Set<string>;
  /** Existing customers that were absorbed: loser → survivor. */
  absorbed: Map<string, string>;
  merges: MergeDecision[];
}

export const keyString = (k: IdentityKey): string => k.key ?? `${k.kind}\u0000${k.value}`;

/** A key with its keyString computed once. */
export function identityKey(kind: string, value: string): IdentityKey {
  return { kind, value, key: `${kind}\u0000${value}` };
}

/**
 * Resolves records to customers. `known` maps keyString → existing customer id. When two
 * anchored groups meet (a known customer, or a distinct external id) the meeting is recorded
 * as a merge; the oldest known customer id (ids sort by time) survives.
 */
export function resolveIdentities(
  records: readonly IdentityRecord[],
  known: ReadonlyMap<string, string>,
  newId: () => string,
): Resolution {
  const uf = new UnionFind();
  const pending: Omit<MergeDecision, 'survivorId'>[] = [];
  const firstKey: number[] = [];
  for (let i = 0; i < records.length; i++) {
    const keys = records[i]!.keys;
    let root = -1;
    for (const key of keys) {
      const ks = keyString(key);
      const owner = known.get(ks);
      // A known key is anchored by its customer, so re-importing a customer under its own
      // external id is recognition, not a merge.
      const anchor =
        owner !== undefined ? `cus\u0000${owner}` : key.kind.startsWith('external:') ? ks : undefined;
      const node = uf.node(ks, anchor, owner);
      if (owner !== undefined) uf.union(node, uf.node(`cus\u0000${owner}`, anchor, owner));
      if (root < 0) root = node;
      else if (uf.find(root) !== uf.find(node)) {
        if (uf.anchorsDiffer(root, node))
          pending.push({
            recordIndex: i,
            matchedKind: key.kind,
            matchedValue: key.value,
            reason: `same ${key.kind}`,
          });
        uf.union(root, node);
      }
    }
    firstKey.push(root);
  }

  const customerOfRoot = new Map<number, string>();
  const newCustomers = new Set<string>();
  const absorbed = new Map<string, string>();
  const customerOf = firstKey.map((node) => {
    if (node < 0) return undefined;
    const root = uf.find(node);
    let id = customerOfRoot.get(root);
    if (id === undefined) {
      const existing = uf.customersOf(root);
      if (existing.length > 0) {
        id = existing[0]!;
        for (const loser of existing.slice(1)) absorbed.set(loser, id);
      } else {
        id = newId();
        newCustomers.add(id);
      }
      customerOfRoot.set(root, id);
    }
    return id;
  });
  const merges = pending.map((m) => {
    const survivorId = customerOf[m.recordIndex]!;
    return { ...m, survivorId };
  });
  // Attach each absorbed customer to one recorded merge so the audit says who went where.
  const unattached = new Set(absorbed.keys());
  for (const m of merges) {
    for (const loser of unattached) {
      if (absorbed.get(loser) === m.survivorId) {
        m.mergedCustomerId = loser;
        unattached.delete(loser);
        break;
      }
    }
  }
  return { customerOf, newCustomers, absorbed, merges };
}

const NO_ANCHORS: ReadonlySet<string> = new Set();
const NO_CUSTOMERS: readonly string[] = [];

/**
 * Union-find over string-named nodes; each root knows its anchors and known customer ids. Most
 * nodes (a new buyer's phone and e-mail) have neither, so both start as shared empty values and
 * are allocated only when a node gets one: an import makes a node per key of every record.
 */
class UnionFind {
  private readonly index = new Map<string, number>();
  private readonly parent: number[] = [];
  private readonly anchors: (ReadonlySet<string> | Set<string>)[] = [];
  private readonly customers: (readonly string[])[] = [];

  node(name: string, anchor: string | undefined, customerId: string | undefined): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.parent.length;
      this.index.set(name, i);
      this.parent.push(i);
      this.anchors.push(anchor === undefined ? NO_ANCHORS : new Set([anchor]));
      this.customers.push(customerId === undefined ? NO_CUSTOMERS : [customerId]);
    }
    return i;
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r]!;
    let c = i;
    while (this.parent[c] !== r) {
      const next = this.parent[c]!;
      this.parent[c] = r;
      c = next;
    }
    return r;
  }

  /** Both groups are anchored and by different anchors: joining them is a merge. */
  anchorsDiffer(a: number, b: number): boolean {
    const x = this.anchors[this.find(a)]!;
    const y = this.anchors[this.find(b)]!;
    if (x.size === 0 || y.size === 0) return false;
    // A known customer and its own external id are the same anchor group already.
    for (const v of x) if (y.has(v)) return false;
    return true;
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.anchors[ra]!.size < this.anchors[rb]!.size) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    const from = this.anchors[rb]!;
    if (from.size > 0) {
      const into = this.anchors[ra] === NO_ANCHORS ? new Set<string>() : (this.anchors[ra] as Set<string>);
      for (const v of from) into.add(v);
      this.anchors[ra] = into;
    }
    const theirs = this.customers[rb]!;
    if (theirs.length > 0) this.customers[ra] = [...new Set(this.customers[ra]!.concat(theirs))].sort();
    this.customers[rb] = NO_CUSTOMERS;
    this.anchors[rb] = NO_ANCHORS;
  }

  customersOf(root: number): readonly string[] {
    return this.customers[root]!;
  }
}
