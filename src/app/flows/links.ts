import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Tracker } from '../../domain/messages/tracking.js';
import { readShopSettings, writeShopSetting } from '../../store/settings/index.js';
import type { AppContext } from '../context.js';
import { loadShopSettings } from '../shop-settings.js';

/** What a signed link of a message does: click (redirect), open (pixel), unsubscribe, answer (NPS, rating). */
export type LinkKind = 'c' | 'o' | 'u' | 'a';

/** The shop's key that signs its message links; made on first use, never shown. */
const SECRET_KEY = 'links.secret';

/** Signs and reads the links of one shop's messages. */
export interface LinkSigner {
  /** Nurture's public address (the `public_url` setting). */
  base: string;
  shopId: string;
  sign(messageId: string, kind: LinkKind, index: number): string;
  /** The message and link a token names, if its signature holds. */
  verify(token: string, kind: LinkKind): { messageId: string; index: number } | undefined;
  /** The signature that proves a provider's delivery report is for this shop. */
  callbackKey(provider: string): string;
}

/**
 * The shop's link signer, or undefined when `public_url` is not set (messages then go without
 * tracked links, pixel or unsubscribe link: nothing would reach Nurture).
 */
export async function linkSigner(ctx: AppContext, shopId: string): Promise<LinkSigner | undefined> {
  const settings = await loadShopSettings(ctx, shopId);
  if (!settings.publicUrl) return undefined;
  return signerFor(settings.publicUrl, shopId, await secretOf(ctx, shopId));
}

async function secretOf(ctx: AppContext, shopId: string): Promise<string> {
  const stored = (await readShopSettings(ctx.store, shopId)).get(SECRET_KEY);
  if (stored) return stored;
  await writeShopSetting(
    ctx.store,
    shopId,
    SECRET_KEY,
    randomBytes(32).toString('base64url'),
    ctx.clock.now(),
  );
  // Another worker may have written its own at once: everyone uses the stored one.
  return (await readShopSettings(ctx.store, shopId)).get(SECRET_KEY)!;
}

const mac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('base64url').slice(0, 22);

/** A signer over a known secret (tests and the routes use it through `linkSigner`). */
export function signerFor(base: string, shopId: string, secret: string): LinkSigner {
  const signature = (messageId: string, kind: LinkKind, index: number) =>
    mac(secret, `${shopId}|${messageId}|${kind}${index}`);
  return {
    base,
    shopId,
    sign(messageId, kind, index) {
      const token = `${messageId}.${index}.${signature(messageId, kind, index)}`;
      const path = `${base}/m/${encodeURIComponent(shopId)}/${kind}/${token}`;
      return kind === 'o' ? `${path}.gif` : path;
    },
    verify(token, kind) {
      const m = /^([A-Za-z0-9_]+)\.(\d{1,3})\.([A-Za-z0-9_-]{22})(?:\.gif)?$/.exec(token);
      if (!m) return undefined;
      const [, messageId, index, sig] = m;
      const expected = Buffer.from(signature(messageId!, kind, Number(index)));
      const given = Buffer.from(sig!);
      return expected.length === given.length && timingSafeEqual(expected, given)
        ? { messageId: messageId!, index: Number(index) }
        : undefined;
    },
    callbackKey: (provider) => mac(secret, `${shopId}|callback|${provider}`),
  };
}

/** The tracker of one message: its click links, its pixel, and the links left alone. */
export function trackerFor(signer: LinkSigner, messageId: string, keep: readonly string[]): Tracker {
  return {
    click: (index) => signer.sign(messageId, 'c', index),
    open: () => signer.sign(messageId, 'o', 0),
    keep: new Set(keep),
  };
}

/** The message's one-click unsubscribe address (RFC 8058) and the link its texts show. */
export function unsubscribeUrl(signer: LinkSigner, messageId: string): string {
  return signer.sign(messageId, 'u', 0);
}

/** Where eSMS reports the delivery of this shop's SMS (the key proves the report is for the shop). */
export function esmsCallbackUrl(signer: LinkSigner): string {
  return `${signer.base}/m/${encodeURIComponent(signer.shopId)}/esms?k=${signer.callbackKey('esms')}`;
}

/** The message's answer page (`?score=N` appended): records an NPS answer or rating for its customer and order. */
export function answerUrl(signer: LinkSigner, messageId: string): string {
  return signer.sign(messageId, 'a', 0);
}
