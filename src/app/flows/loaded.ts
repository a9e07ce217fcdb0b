import { parseFlowDocument } from '../../domain/flows/check.js';
import { type FlowPlan, planFlow } from '../../domain/flows/plan.js';
import type { FlowDocument } from '../../domain/flows/schema.js';
import type { FlowRecord } from '../../store/flows/definitions.js';
import { readVersions } from '../../store/flows/definitions.js';
import type { Store } from '../../store/store.js';

/** A flow version ready to run: its document and its linked plan. */
export interface LoadedVersion {
  flowId: string;
  version: number;
  doc: FlowDocument;
  plan: FlowPlan;
}

/** Versions never change once written, so a process keeps the parsed ones (per database). */
const parsed = new WeakMap<object, Map<string, LoadedVersion>>();

function cacheOf(store: Store): Map<string, LoadedVersion> {
  const key = store.engine.database ?? store.engine;
  let cache = parsed.get(key);
  if (!cache) {
    cache = new Map();
    parsed.set(key, cache);
  }
  return cache;
}

/** The versions `keys` name, parsed and planned (`flowId:version` → version). */
export async function loadVersions(
  store: Store,
  shopId: string,
  keys: readonly { flowId: string; version: number }[],
): Promise<Map<string, LoadedVersion>> {
  const cache = cacheOf(store);
  const out = new Map<string, LoadedVersion>();
  const missing = keys.filter((k) => {
    const hit = cache.get(`${shopId}:${k.flowId}:${k.version}`);
    if (hit) out.set(`${k.flowId}:${k.version}`, hit);
    return !hit;
  });
  if (missing.length > 0) {
    const texts = await readVersions(store, shopId, missing);
    for (const k of missing) {
      const text = texts.get(`${k.flowId}:${k.version}`);
      if (text === undefined) continue;
      const doc = parseFlowDocument(JSON.parse(text));
      const loaded = { flowId: k.flowId, version: k.version, doc, plan: planFlow(doc.steps) };
      cache.set(`${shopId}:${k.flowId}:${k.version}`, loaded);
      out.set(`${k.flowId}:${k.version}`, loaded);
    }
  }
  return out;
}

/** The live version of each live flow. */
export async function loadLiveVersions(
  store: Store,
  shopId: string,
  flows: readonly FlowRecord[],
): Promise<{ flow: FlowRecord; version: LoadedVersion }[]> {
  const live = flows.filter((f) => f.state === 'live' && f.liveVersion !== null);
  const versions = await loadVersions(
    store,
    shopId,
    live.map((f) => ({ flowId: f.flowId, version: f.liveVersion! })),
  );
  return live.flatMap((flow) => {
    const version = versions.get(`${flow.flowId}:${flow.liveVersion}`);
    return version ? [{ flow, version }] : [];
  });
}
