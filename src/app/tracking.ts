/**
 * Storefront tracking: Segment-style `track`, `page` and `identify` calls from the shop's pages
 * (`POST /t/v1/batch`). Each call is checked on its own (good ones kept, bad ones answered with
 * their index and reason); the kept ones are written by a `TrackingWriter` that gathers the
 * calls of many requests into one transaction.
 */
import { z } from 'zod';
import { normalizeEmail, normalizePhone } from '../domain/identity-keys.js';
import type { CustomerInput, EventInput } from '../domain/model/index.js';
import { REFERRAL_EVENT, referralCodeOf } from '../domain/referral-code.js';
import { NurtureError } from '../errors.js';
import { eventOfObject } from '../ingest/formats/events-jsonl.js';
import { RowProblem } from '../ingest/formats/fields.js';
import { isDuplicateKey } from '../store/engine.js';
import { type ReferralVisitInput, recordReferralVisits } from '../store/referrals/index.js';
import type { Store } from '../store/store.js';
import { isAnonymousOnly, linkAnonymousIds, writeAnonymousEvents } from '../store/tracking/anonymous.js';
import type { AppContext } from './context.js';
import { GroupCommit } from './group-commit.js';

/** Segment's limits: 32 KB a call, 500 KB a batch. */
export const MAX_CALL_BYTES = 32 * 1024;
export const MAX_BATCH_CALLS = 500;

export const trackingBatchSchema = z.object({
  /** The publishable key, for `navigator.sendBeacon`, which cannot send headers. */
  writeKey: z.string().max(100).optional(),
  batch: z
    .array(z.unknown())
    .min(1, 'an empty batch')
    .max(MAX_BATCH_CALLS, `at most ${MAX_BATCH_CALLS} calls a batch`),
  sentAt: z.string().max(40).optional(),
});

/** One identify call: who an anonymous visitor is. */
export interface Identify {
  anonymousId: string | undefined;
  customer: CustomerInput;
}

export interface CheckedBatch {
  events: EventInput[];
  identifies: Identify[];
  rejected: { index: number; reason: string }[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks every call of a batch; a bad call is rejected with its index, the others are kept. */
export function checkTrackingBatch(
  calls: readonly unknown[],
  timeZone: string,
  receivedAt: Date,
): CheckedBatch {
  const out: CheckedBatch = { events: [], identifies: [], rejected: [] };
  calls.forEach((call, index) => {
    try {
      const text = JSON.stringify(call) ?? '';
      if (text.length > MAX_CALL_BYTES)
        throw new RowProblem(undefined, `a call is at most ${MAX_CALL_BYTES} bytes (${text.length})`);
      if (!isObject(call)) throw new RowProblem(undefined, 'a call must be an object');
      const type = call['type'] ?? 'track';
      if (type === 'identify') out.identifies.push(identifyOf(call));
      else if (type === 'track' || type === 'page')
        out.events.push(checkReferral(eventOfCall(nfcCall(call, text), type, timeZone, receivedAt)));
      else throw new RowProblem('type', `type must be track, page or identify, not ${JSON.stringify(type)}`);
    } catch (error) {
      if (error instanceof RowProblem)
        out.rejected.push({
          index,
          reason: error.column ? `${error.column}: ${error.reason}` : error.reason,
        });
      else if (error instanceof RangeError) out.rejected.push({ index, reason: 'nested too deeply' });
      else throw error;
    }
  });
  return out;
}

// Printable ASCII: JSON text escapes control characters, so an ASCII call is all in this range.
const ASCII = /^[ -~]*$/;

/**
 * The call with every text in NFC, as an imported event's (see `eventOf`). `text` is the call as
 * JSON: a call whose text is NFC already (ASCII always is) is used as it is, without a copy.
 */
function nfcCall(call: Json, text: string): Json {
  if (ASCII.test(text)) return call;
  const normalized = text.normalize('NFC');
  return normalized === text ? call : (JSON.parse(normalized) as Json);
}

function eventOfCall(call: Json, type: 'track' | 'page', timeZone: string, receivedAt: Date): EventInput {
  const traits =
    isObject(call['context']) && isObject(call['context']['traits']) ? call['context']['traits'] : {};
  const properties = isObject(call['properties']) ? { ...call['properties'] } : {};
  if (type === 'page' && typeof call['name'] === 'string') properties['name'] = call['name'];
  return eventOfObject(
    {
      ...call,
      event: type === 'page' ? 'Page Viewed' : call['event'],
      timestamp: call['timestamp'] ?? receivedAt.toISOString(),
      properties,
      context: { traits },
    },
    timeZone,
  );
}

/** A referral landing must name its visitor and carry a well-formed `properties.code`. */
function checkReferral(event: EventInput): EventInput {
  if (event.event !== REFERRAL_EVENT) return event;
  if (!event.anonymousId) throw new RowProblem('anonymousId', 'a referral landing needs the anonymousId');
  const code = referralCodeOf(event.properties['code']);
  if (!code) throw new RowProblem('properties.code', 'a referral code is 1-64 letters, digits, "-" or "_"');
  return { ...event, properties: { ...event.properties, code } };
}

/** The referral landings among a batch's events. */
function referralVisitsOf(events: readonly EventInput[]): ReferralVisitInput[] {
  return events.flatMap((e) => {
    const code = e.event === REFERRAL_EVENT ? referralCodeOf(e.properties['code']) : undefined;
    if (!code || !e.anonymousId) return [];
    const url = e.properties['url'];
    return [
      {
        anonymousId: e.anonymousId,
        code,
        landingUrl: typeof url === 'string' ? url.slice(0, 2000) : undefined,
        at: e.timestamp,
      },
    ];
  });
}

function identifyOf(call: Json): Identify {
  const traits = isObject(call['traits']) ? call['traits'] : {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const phone = normalizePhone(text(traits['phone']));
  const email = normalizeEmail(text(traits['email']));
  if (!phone && !email) throw new RowProblem('traits', 'identify needs a valid traits.phone or traits.email');
  const anonymousId = text(call['anonymousId']);
  const firstName = text(traits['firstName']) ?? text(traits['first_name']);
  const lastName = text(traits['lastName']) ?? text(traits['last_name']);
  return {
    anonymousId,
    customer: {
      source: 'web',
      consent: {},
      tags: [],
      attributes: {},
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
      ...(firstName ? { firstName } : {}),
      ...(lastName ? { lastName } : {}),
    },
  };
}

interface Pending {
  shopId: string;
  batch: CheckedBatch;
}

/**
 * Gathers checked calls from many requests and writes them together (group commit): a write
 * starts as soon as the previous one ends and takes every call that arrived meanwhile, up to
 * `maxRequests` requests, never one transaction per event. A request is answered once its calls
 * are committed, so an acknowledged event is stored.
 */
export class TrackingWriter {
  private readonly groups: GroupCommit<Pending, NurtureError | null>;

  constructor(
    private readonly ctx: AppContext,
    maxRequests = 400,
  ) {
    this.groups = new GroupCommit((taken) => this.writeAll(taken), { maxItems: maxRequests });
  }

  /** Resolves when the batch's calls are committed. */
  async write(shopId: string, batch: CheckedBatch): Promise<void> {
    if (batch.events.length + batch.identifies.length === 0) return;
    const failed = await this.groups.submit({ shopId, batch });
    if (failed) throw failed;
  }

  /** Resolves when everything handed over so far is written. */
  flush(): Promise<void> {
    return this.groups.flush();
  }

  /** Per request, null once written, or the error of its shop's write (other shops' are kept). */
  private async writeAll(taken: readonly Pending[]): Promise<(NurtureError | null)[]> {
    const byShop = new Map<string, Pending[]>();
    for (const p of taken) byShop.set(p.shopId, [...(byShop.get(p.shopId) ?? []), p]);
    const failed = new Map<string, NurtureError>();
    for (const [shopId, group] of byShop) {
      try {
        await writeCalls(
          this.ctx,
          shopId,
          group.flatMap((p) => p.batch.events),
          group.flatMap((p) => p.batch.identifies),
        );
      } catch (error) {
        this.ctx.log.error({ shopId, err: error }, 'tracking write failed');
        failed.set(
          shopId,
          new NurtureError('store_unavailable', 'the events could not be stored; send them again'),
        );
      }
    }
    return taken.map((p) => failed.get(p.shopId) ?? null);
  }
}

/**
 * Writes events and identifies in one transaction through the import writer (identity
 * resolution, dedupe by message id), then joins anonymous visitors to the customers they
 * identified as: their earlier events, and later ones through an `anonymous` identity. Referral
 * landings (`Referral Link Opened`) are kept in `referral_visits` too, and follow the visitor to
 * the customer they identify as.
 */
export async function writeCalls(
  ctx: AppContext,
  shopId: string,
  events: readonly EventInput[],
  identifies: readonly Identify[],
): Promise<void> {
  const visits = referralVisitsOf(events);
  const identified = identifies.flatMap((i) => (i.anonymousId ? [i.anonymousId] : []));
  // Page views and product views of visitors not identified in this batch: nothing to resolve.
  const anonymous = identifies.length === 0 && events.every(isAnonymousOnly);
  const write = (fresh: boolean) =>
    ctx.store.transaction(async (tx) => {
      if (anonymous) await writeAnonymousEvents(tx, shopId, events, { fresh });
      else await writeIdentified(ctx, tx, shopId, events, identifies);
      // Referral landings are kept beside their events, and follow the visitor to the customer.
      if (visits.length > 0 || identified.length > 0)
        await recordReferralVisits(tx, shopId, visits, identified);
    });
  // On DuckDB, the events are first written as new ones (a plain insert costs half an insert that
  // skips stored message ids); a message id seen before fails that transaction, which is then
  // written again the deduplicating way. Re-sent events are rare; the answer is the same.
  if (!anonymous || ctx.store.dialect !== 'duckdb') return write(false);
  try {
    await write(true);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await write(false);
  }
}

/** Events and identifies through the import writer, then anonymous visitors joined to customers. */
async function writeIdentified(
  ctx: AppContext,
  tx: Store,
  shopId: string,
  events: readonly EventInput[],
  identifies: readonly Identify[],
): Promise<void> {
  const now = ctx.clock.now();
  const session = await tx.beginImport(shopId);
  await tx.importBatch(
    shopId,
    { customers: identifies.map((i) => i.customer), orders: [], events },
    ctx.newId('imp'),
    now,
    session,
  );
  await linkAnonymousIds(tx, shopId, {
    identified: identifies.flatMap((i) =>
      i.anonymousId ? [{ anonymousId: i.anonymousId, phone: i.customer.phone, email: i.customer.email }] : [],
    ),
    seen: [...new Set(events.flatMap((e) => (e.anonymousId ? [e.anonymousId] : [])))],
    now,
  });
}
