import type { ChannelKind } from '../../channels/channel.js';
import type { Store } from '../store.js';

/** What sending needs to know about a customer: addresses, consent, names. */
export interface Recipient {
  customerId: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  /** The Messenger page-scoped id (identity `external:messenger`). */
  psid: string | null;
  consent: Record<'email' | 'sms' | 'zalo' | 'messenger', boolean | null>;
  attributes: Record<string, unknown>;
  /** Opted-out addresses, as `channel:address`. */
  optedOut: Set<string>;
}

function idList(n: number, first: number): string {
  return Array.from({ length: n }, (_, i) => `$${i + first}`).join(', ');
}

/** The recipients among `customerIds` (merged-away customers are absent). */
export async function loadRecipients(
  store: Store,
  shopId: string,
  customerIds: readonly string[],
): Promise<Map<string, Recipient>> {
  const out = new Map<string, Recipient>();
  if (customerIds.length === 0) return out;
  const ids = [...new Set(customerIds)];
  const rows = await store.engine.all<{
    customer_id: string;
    first_name: string | null;
    last_name: string | null;
    phone: string | null;
    email: string | null;
    accepts_email: boolean | null;
    accepts_sms: boolean | null;
    accepts_zalo: boolean | null;
    accepts_messenger: boolean | null;
    attributes: string | null;
  }>(
    `SELECT customer_id, first_name, last_name, phone, email, accepts_email, accepts_sms, accepts_zalo,
       accepts_messenger, attributes
     FROM customers WHERE shop_id = $1 AND merged_into IS NULL AND customer_id IN (${idList(ids.length, 2)})`,
    [shopId, ...ids],
  );
  for (const r of rows)
    out.set(r.customer_id, {
      customerId: r.customer_id,
      firstName: r.first_name,
      lastName: r.last_name,
      phone: r.phone,
      email: r.email,
      psid: null,
      consent: {
        email: r.accepts_email,
        sms: r.accepts_sms,
        zalo: r.accepts_zalo,
        messenger: r.accepts_messenger,
      },
      attributes: parseAttributes(r.attributes),
      optedOut: new Set(),
    });
  const psids = await store.engine.all<{ customer_id: string; value: string }>(
    `SELECT customer_id, value FROM customer_identities
     WHERE shop_id = $1 AND kind = 'external:messenger' AND customer_id IN (${idList(ids.length, 2)})`,
    [shopId, ...ids],
  );
  for (const p of psids) {
    const r = out.get(p.customer_id);
    if (r) r.psid = p.value;
  }
  const addresses = [...out.values()].flatMap((r) =>
    [r.phone, r.email, r.psid].filter((a): a is string => !!a),
  );
  if (addresses.length > 0) {
    const opted = await store.engine.all<{ channel: string; address: string }>(
      `SELECT channel, address FROM opt_outs WHERE shop_id = $1 AND address IN (${idList(addresses.length, 2)})`,
      [shopId, ...addresses],
    );
    const byAddress = new Map<string, string[]>();
    for (const o of opted) byAddress.set(o.address, [...(byAddress.get(o.address) ?? []), o.channel]);
    for (const r of out.values())
      for (const a of [r.phone, r.email, r.psid])
        if (a) for (const channel of byAddress.get(a) ?? []) r.optedOut.add(`${channel}:${a}`);
  }
  return out;
}

function parseAttributes(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Records an opt-out at once: the address never gets the channel again (an import cannot undo it).
 * Returns false when it was recorded before.
 */
export async function recordOptOut(
  store: Store,
  shopId: string,
  optOut: { channel: ChannelKind; address: string; customerId: string | null; source: string; at: Date },
): Promise<boolean> {
  const rows = await store.engine.all<{ address: string }>(
    `INSERT INTO opt_outs (shop_id, channel, address, customer_id, source, opted_out_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING address`,
    [shopId, optOut.channel, optOut.address, optOut.customerId, optOut.source, optOut.at],
  );
  return rows.length > 0;
}
