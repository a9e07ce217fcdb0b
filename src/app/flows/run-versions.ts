import { activeRunsByVersion } from '../../store/flows/run-versions.js';
import type { AppContext } from '../context.js';
import { requireFlow } from './definitions.js';

/**
 * The versions a flow's active runs are on, newest first, with how many runs each: customers
 * inside finish the version they started, so after an edit the dashboard says which older
 * versions are still running. Read only.
 */
export async function flowRunVersions(
  ctx: AppContext,
  input: { shopId: string; name: string },
): Promise<{ version: number; runs: number }[]> {
  const flow = await requireFlow(ctx, input.shopId, input.name);
  return activeRunsByVersion(ctx.store, input.shopId, flow.flowId);
}
