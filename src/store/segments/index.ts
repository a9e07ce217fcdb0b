import { type AudienceFile, audienceFile } from '../../domain/segments/audience.js';
import { type ExportOptions, exportOptionsSchema, parseInput } from '../../domain/segments/input.js';
import type { Store } from '../store.js';
import { listMembers, type SegmentMember } from './members.js';
import { type RefreshMembershipResult, refreshMembership } from './membership.js';
import { type AsOfOptions, getSegment, type Segment } from './segments.js';
import { sha256 } from './sha256.js';

export {
  customerMembershipHistory,
  type HistoryFilter,
  listMembers,
  type MembershipEvent,
  type MembershipStay,
  membershipEvents,
  membershipHistory,
  type SegmentMember,
} from './members.js';
export {
  parseCached,
  prepareSegments,
  type RefreshMembershipOptions,
  type RefreshMembershipResult,
  refreshMembership,
  refreshSegmentsApart,
} from './membership.js';
/**
 * Saved segments over the store: CRUD, counts and previews, membership with history, audience
 * export. Transports call these functions; the query language itself is src/domain/segments.
 */
export { loadSegmentCustomers } from './records.js';
export { type IdScope, makeScope } from './scope.js';
export {
  type AsOfOptions,
  countAndFirstIds,
  countQuery,
  createSegment,
  deleteSegment,
  type Explanation,
  ensureBuiltinSegments,
  explainQuery,
  getSegment,
  listSegments,
  queryCustomerIds,
  refreshAllSegments,
  resolveForShop,
  type Segment,
  updateSegment,
} from './segments.js';

/** Refreshes one segment for all customers as of now (or `asOf`), then lists its members. */
export async function segmentMembers(
  store: Store,
  shopId: string,
  name: string,
  options: AsOfOptions & { limit?: number; refresh?: boolean } = {},
): Promise<{ segment: Segment; members: SegmentMember[]; refresh: RefreshMembershipResult | null }> {
  const before = await getSegment(store, shopId, name);
  const refresh =
    options.refresh === false
      ? null
      : await refreshMembership(store.engine, shopId, {
          asOf: options.asOf ?? new Date(store.ids.now()),
          segments: [before.segmentId],
        });
  const segment = await getSegment(store, shopId, before.name);
  const members = await listMembers(
    store.engine,
    shopId,
    segment.segmentId,
    options.limit === undefined ? {} : { limit: options.limit },
  );
  return { segment, members, refresh };
}

/** An audience file of a segment's current members (refreshed first). */
export async function exportAudience(
  store: Store,
  shopId: string,
  name: string,
  options: Partial<ExportOptions> & AsOfOptions & { refresh?: boolean },
): Promise<AudienceFile & { segment: Segment }> {
  const valid = parseInput(exportOptionsSchema, {
    format: options.format,
    hash: options.hash,
    includeWithoutConsent: options.includeWithoutConsent,
  });
  const { segment, members } = await segmentMembers(store, shopId, name, {
    ...(options.asOf ? { asOf: options.asOf } : {}),
    ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
  });
  return { ...audienceFile(members, valid, sha256), segment };
}
