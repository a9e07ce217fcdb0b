import type { Store } from '../store.js';

/** A flow's life: written as a draft, live (runs start and advance), paused (nothing moves), archived. */
export const FLOW_STATES = ['draft', 'live', 'paused', 'archived'] as const;
export type FlowState = (typeof FLOW_STATES)[number];

export interface FlowRecord {
  flowId: string;
  name: string;
  state: FlowState;
  /** The newest version (what an edit wrote). */
  version: number;
  /** The version new runs start on (set when the flow went live or was resumed); null for a draft. */
  liveVersion: number | null;
  liveSince: Date | null;
  /** Triggers are read up to here. */
  scannedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type FlowRow = {
  flow_id: string;
  name: string;
  state: string;
  version: number;
  live_version: number | null;
  live_since: Date | null;
  scanned_until: Date | null;
  created_at: Date;
  updated_at: Date;
};

const FLOW_COLUMNS =
  'flow_id, name, state, version, live_version, live_since, scanned_until, created_at, updated_at';

function toFlow(r: FlowRow): FlowRecord {
  return {
    flowId: r.flow_id,
    name: r.name,
    state: r.state as FlowState,
    version: Number(r.version),
    liveVersion: r.live_version === null ? null : Number(r.live_version),
    liveSince: r.live_since,
    scannedUntil: r.scanned_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Inserts a flow with its first version (as JSON text). */
export async function insertFlow(
  store: Store,
  shopId: string,
  flow: { flowId: string; name: string; state: FlowState; document: string; now: Date },
): Promise<void> {
  const live = flow.state === 'live';
  await store.engine.run(
    `INSERT INTO flows (shop_id, ${FLOW_COLUMNS}) VALUES ($1, $2, $3, $4, 1, $5, $6, $6, $7, $7)`,
    [shopId, flow.flowId, flow.name, flow.state, live ? 1 : null, live ? flow.now : null, flow.now],
  );
  await insertVersion(store, shopId, flow.flowId, 1, flow.document, flow.now);
}

export async function insertVersion(
  store: Store,
  shopId: string,
  flowId: string,
  version: number,
  document: string,
  now: Date,
): Promise<void> {
  await store.engine.run(
    'INSERT INTO flow_versions (shop_id, flow_id, version, document, created_at) VALUES ($1, $2, $3, $4, $5)',
    [shopId, flowId, version, document, now],
  );
}

export async function findFlowByName(
  store: Store,
  shopId: string,
  name: string,
): Promise<FlowRecord | undefined> {
  const rows = await store.engine.all<FlowRow>(
    `SELECT ${FLOW_COLUMNS} FROM flows WHERE shop_id = $1 AND name = $2`,
    [shopId, name],
  );
  return rows[0] ? toFlow(rows[0]) : undefined;
}

export async function listFlows(
  store: Store,
  shopId: string,
  states?: readonly FlowState[],
): Promise<FlowRecord[]> {
  const filter = states ? `AND state IN (${states.map((s) => `'${s}'`).join(', ')})` : '';
  const rows = await store.engine.all<FlowRow>(
    `SELECT ${FLOW_COLUMNS} FROM flows WHERE shop_id = $1 ${filter} ORDER BY name`,
    [shopId],
  );
  return rows.map(toFlow);
}

/** A version's document (JSON text), or undefined. */
export async function readVersion(
  store: Store,
  shopId: string,
  flowId: string,
  version: number,
): Promise<string | undefined> {
  const rows = await store.engine.all<{ document: string }>(
    'SELECT document FROM flow_versions WHERE shop_id = $1 AND flow_id = $2 AND version = $3',
    [shopId, flowId, version],
  );
  return rows[0]?.document;
}

/** Changes a flow's state, newest version, live version and watermark (only the fields given). */
export async function updateFlow(
  store: Store,
  shopId: string,
  flowId: string,
  change: Partial<Pick<FlowRecord, 'state' | 'version' | 'liveVersion' | 'liveSince' | 'scannedUntil'>>,
  now: Date,
): Promise<void> {
  const sets: string[] = [];
  const params: (string | number | Date | null)[] = [shopId, flowId, now];
  const set = (column: string, value: string | number | Date | null) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (change.state !== undefined) set('state', change.state);
  if (change.version !== undefined) set('version', change.version);
  if (change.liveVersion !== undefined) set('live_version', change.liveVersion);
  if (change.liveSince !== undefined) set('live_since', change.liveSince);
  if (change.scannedUntil !== undefined) set('scanned_until', change.scannedUntil);
  await store.engine.run(
    `UPDATE flows SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE shop_id = $1 AND flow_id = $2`,
    params,
  );
}

/** Documents of the versions that runs of these flows are on, by `flowId:version`. */
export async function readVersions(
  store: Store,
  shopId: string,
  keys: readonly { flowId: string; version: number }[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (keys.length === 0) return out;
  const flowIds = [...new Set(keys.map((k) => k.flowId))];
  const rows = await store.engine.all<{ flow_id: string; version: number; document: string }>(
    `SELECT flow_id, version, document FROM flow_versions
     WHERE shop_id = $1 AND flow_id IN (${flowIds.map((_, i) => `$${i + 2}`).join(', ')})`,
    [shopId, ...flowIds],
  );
  for (const r of rows) out.set(`${r.flow_id}:${Number(r.version)}`, r.document);
  return out;
}
