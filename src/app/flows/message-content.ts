import type { ChannelKind, OutgoingMessage } from '../../channels/channel.js';
import type { Coupon } from '../../domain/coupons/index.js';
import { type MessageContent, parseContent } from '../../domain/messages/content.js';
import type { CapOverride } from '../../domain/messages/policy.js';
import { type RenderedMessage, renderContent, type TemplateVars } from '../../domain/messages/render.js';
import { trackMessage } from '../../domain/messages/tracking.js';
import { reasonText } from '../../domain/recommend/reason-text.js';
import { assertNever } from '../../errors.js';
import { findCouponBySource } from '../../store/coupons/index.js';
import type { MessageRecord } from '../../store/flows/messages.js';
import type { Recipient } from '../../store/flows/recipients.js';
import type { RunContext } from '../../store/flows/runs.js';
import { type OrderVars, ordersForMessages, runContexts } from '../../store/flows/vars.js';
import { readRun, type StoredItem } from '../../store/recommend/read.js';
import type { AppContext } from '../context.js';
import { recommendationsOf } from '../recommend.js';
import { referralLinkOf } from '../referral-program.js';
import { loadShopSettings } from '../shop-settings.js';
import {
  answerUrl,
  esmsCallbackUrl,
  type LinkSigner,
  linkSigner,
  trackerFor,
  unsubscribeUrl,
} from './links.js';
import { type LoadedVersion, loadVersions } from './loaded.js';

/** What rendering a batch of messages reads, loaded once per batch. */
export interface MessageVars {
  shop: { name: string; currency: string; url?: string };
  versions: ReadonlyMap<string, LoadedVersion>;
  runs: ReadonlyMap<string, RunContext>;
  orders: ReadonlyMap<string, OrderVars>;
  coupons: ReadonlyMap<string, Coupon>;
  /** The flow's tighter cap for its promotional messages, if it has one. */
  capOverride(m: MessageRecord): CapOverride | undefined;
  /** Signs tracked links, the pixel and the unsubscribe link (absent without a public_url). */
  signer?: LinkSigner | undefined;
  /** Referral codes and links of the recipients whose message mentions `referral_code` or `referral_url`. */
  referrals?: ReadonlyMap<string, { code: string; url: string | null }>;
  /** The recipients' personal recommendations (the Liquid variable `recommendations`). */
  recommendations: ReadonlyMap<string, StoredItem[]>;
  /** The shop is small: the fallback items' reasons say so. */
  smallShop: boolean;
}

/** Loads the flow versions, run contexts, orders and coupons a batch of messages renders with. */
export async function loadMessageVars(
  ctx: AppContext,
  shopId: string,
  messages: readonly MessageRecord[],
  recipients: ReadonlyMap<string, Recipient>,
): Promise<MessageVars> {
  const shop = await ctx.store.requireShop(shopId);
  const settings = await loadShopSettings(ctx, shopId);
  const keys = messages.flatMap((m) =>
    m.flowId && m.version !== null ? [{ flowId: m.flowId, version: m.version }] : [],
  );
  const versions = await loadVersions(ctx.store, shopId, keys);
  const runs = await runContexts(
    ctx.store,
    shopId,
    messages.flatMap((m) => (m.runId ? [m.runId] : [])),
  );
  const orders = await ordersForMessages(
    ctx.store,
    shopId,
    [...runs.values()].flatMap((r) => (r.orderId ? [r.orderId] : [])),
  );
  const coupons = new Map<string, Coupon>();
  for (const key of new Set([...runs.values()].flatMap((r) => Object.values(r.coupons ?? {})))) {
    const coupon = await findCouponBySource(ctx.store, shopId, key);
    if (coupon) coupons.set(key, coupon);
  }
  const signer = await linkSigner(ctx, shopId);
  // Codes are made when first shown: only for messages whose text names them (the promoter's invitation).
  const referrals = new Map<string, { code: string; url: string | null }>();
  for (const m of messages) {
    const version = m.flowId && m.version !== null ? versions.get(`${m.flowId}:${m.version}`) : undefined;
    const step = version && m.stepId ? version.plan.steps.get(m.stepId)?.step : undefined;
    if (step?.kind !== 'send' || referrals.has(m.customerId)) continue;
    if (JSON.stringify(step.content).includes('referral_'))
      referrals.set(m.customerId, await referralLinkOf(ctx, shopId, m.customerId));
  }
  const recommendations = await recommendationsOf(ctx, shopId, [...recipients.keys()]);
  const run = await readRun(ctx.store, shopId);
  return {
    signer,
    referrals,
    recommendations,
    smallShop: run?.small ?? false,
    shop: { name: shop.name, currency: shop.currency, ...(settings.url ? { url: settings.url } : {}) },
    versions,
    runs,
    orders,
    coupons,
    capOverride(m) {
      const cap =
        m.flowId && m.version !== null ? versions.get(`${m.flowId}:${m.version}`)?.doc.cap : undefined;
      if (!cap) return undefined;
      return {
        ...(cap.perDay !== undefined && cap.perDay > 0 ? { perDay: cap.perDay } : {}),
        ...(cap.perWeek !== undefined && cap.perWeek > 0 ? { perWeek: cap.perWeek } : {}),
      };
    },
  };
}

/** A send step's content for one channel, validated. */
export function contentOf(
  version: LoadedVersion,
  stepId: string,
  channel: ChannelKind,
): MessageContent | undefined {
  const step = version.plan.steps.get(stepId)?.step;
  if (step?.kind !== 'send') return undefined;
  const raw = step.content[channel];
  if (raw === undefined) return undefined;
  return parseContent({ ...(raw as object), channel });
}

/** What rendering reads of a message. */
export type MessageRef = Pick<
  MessageRecord,
  'messageId' | 'runId' | 'flowId' | 'version' | 'stepId' | 'promotional'
>;

/** Names the engine fills; a flow's own `vars` cannot replace them. */
const RESERVED = new Set([
  'customer',
  'order',
  'products',
  'coupon',
  'shop',
  'unsubscribe_url',
  'answer_url',
  'referral_code',
  'referral_url',
  'recommendations',
  'lang',
  'event',
]);

function templateVars(
  m: MessageRef,
  r: Recipient,
  vars: MessageVars,
  flowVars: Record<string, string>,
): TemplateVars {
  const run = m.runId ? vars.runs.get(m.runId) : undefined;
  const order = run?.orderId
    ? vars.orders.get(run.orderId)
    : run?.event
      ? orderOfEvent(run.event.properties)
      : undefined;
  const couponKeys = Object.values(run?.coupons ?? {});
  const coupon = couponKeys.length > 0 ? vars.coupons.get(couponKeys[couponKeys.length - 1]!) : undefined;
  const name = [r.lastName, r.firstName].filter(Boolean).join(' ');
  const own = Object.fromEntries(Object.entries(flowVars).filter(([k]) => !RESERVED.has(k)));
  return {
    ...own,
    ...(run?.event ? { event: run.event } : {}),
    customer: {
      id: r.customerId,
      ...(r.firstName ? { first_name: r.firstName } : {}),
      ...(r.lastName ? { last_name: r.lastName } : {}),
      ...(name ? { name } : {}),
      ...(r.phone ? { phone: r.phone } : {}),
      ...(r.email ? { email: r.email } : {}),
      attributes: r.attributes,
    },
    ...(order
      ? {
          order: {
            name: order.name ?? order.orderId,
            total: order.total,
            ...(order.createdAt.getTime() > 0 ? { created_at: order.createdAt } : {}),
            lines: order.lines.map((l) => ({
              title: l.title,
              ...(l.sku ? { sku: l.sku } : {}),
              quantity: l.quantity,
              price: l.price,
            })),
          },
        }
      : {}),
    ...(coupon
      ? {
          coupon: {
            code: coupon.code,
            kind: coupon.kind === 'fixed_amount' ? 'fixed' : coupon.kind,
            ...(coupon.value === null ? {} : { value: coupon.value }),
            ...(coupon.minOrder === null ? {} : { min_order: coupon.minOrder }),
            expires_at: coupon.expiresAt,
          },
        }
      : {}),
    shop: { name: vars.shop.name, ...(vars.shop.url ? { url: vars.shop.url } : {}) },
    recommendations: (vars.recommendations.get(r.customerId) ?? []).map((i) => ({
      sku: i.sku,
      title: i.title,
      ...(i.price !== null ? { price: i.price } : {}),
      ...(i.imageUrl !== null ? { image: i.imageUrl } : {}),
      ...(i.category !== null ? { category: i.category } : {}),
      reason: reasonText(
        {
          kind: i.reason as 'repeat',
          fallback: vars.smallShop,
          ...(i.reasonSku !== null ? { sku: i.reasonSku } : {}),
          ...(i.reasonTitle !== null ? { title: i.reasonTitle } : {}),
          ...(i.reasonDays !== null ? { days: i.reasonDays } : {}),
          ...(i.reasonCategory !== null ? { category: i.reasonCategory } : {}),
        },
        languageOf(r),
      ),
    })),
    ...(vars.signer ? { unsubscribe_url: unsubscribeUrl(vars.signer, m.messageId) } : {}),
    ...referralVars(vars.referrals?.get(r.customerId)),
    // Nurture's own answer page for this message (NPS, ratings); `nps_url` is it unless the flow sets one.
    ...(vars.signer
      ? {
          answer_url: answerUrl(vars.signer, m.messageId),
          ...(own['nps_url'] ? {} : { nps_url: answerUrl(vars.signer, m.messageId) }),
        }
      : {}),
  };
}

function referralVars(link: { code: string; url: string | null } | undefined): Record<string, string> {
  if (!link) return {};
  return { referral_code: link.code, ...(link.url ? { referral_url: link.url } : {}) };
}

/**
 * An order-shaped view of an event's properties (Segment's e-commerce spec: `products`, `revenue`
 * or `total`), so a checkout reminder lists what was in the cart.
 */
function orderOfEvent(p: Record<string, unknown>): OrderVars | undefined {
  const products = Array.isArray(p['products']) ? (p['products'] as Record<string, unknown>[]) : [];
  if (products.length === 0) return undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0);
  return {
    orderId: String(p['checkout_id'] ?? p['order_id'] ?? ''),
    name: typeof p['order_id'] === 'string' ? p['order_id'] : null,
    total: num(p['total'] ?? p['revenue']),
    // A checkout has no order date yet (0 is left out of the variables).
    createdAt: new Date(0),
    status: 'checkout',
    lines: products.map((x) => ({
      title: String(x['name'] ?? x['title'] ?? x['sku'] ?? ''),
      sku: typeof x['sku'] === 'string' ? x['sku'] : null,
      quantity: num(x['quantity'] ?? 1),
      price: num(x['price']),
    })),
  };
}

/** The customer's language: their `lang` attribute, else Vietnamese. */
function languageOf(r: Recipient): 'vi' | 'en' {
  return r.attributes['lang'] === 'en' ? 'en' : 'vi';
}

export type RenderOutcome =
  | {
      ok: true;
      message: RenderedMessage;
      /** The original URLs of the tracked links, by index. */
      links: string[];
      outgoing: Omit<OutgoingMessage, 'messageId' | 'idempotencyKey'>;
    }
  | { ok: false; reason: string };

/** Renders a message for its channel and customer, and the request to its provider. */
export function renderMessage(
  m: MessageRef,
  channel: ChannelKind,
  r: Recipient,
  vars: MessageVars,
  timeZone: string,
): RenderOutcome {
  const version = m.flowId && m.version !== null ? vars.versions.get(`${m.flowId}:${m.version}`) : undefined;
  const content = version && m.stepId ? contentOf(version, m.stepId, channel) : undefined;
  if (!content) return { ok: false, reason: `no ${channel} content for step ${m.stepId ?? '?'}` };
  const rendered = renderContent(content, templateVars(m, r, vars, version?.doc.vars ?? {}), {
    lang: languageOf(r),
    timeZone,
    currency: vars.shop.currency,
    promotional: m.promotional,
  });
  if (!rendered.ok) {
    const e = rendered.error;
    return { ok: false, reason: `${e.path}${e.line ? ` line ${e.line}` : ''}: ${e.message}` };
  }
  if (!vars.signer)
    return { ok: true, message: rendered.message, links: [], outgoing: outgoingOf(rendered.message, m, r) };
  const unsubscribe = unsubscribeUrl(vars.signer, m.messageId);
  const tracked = trackMessage(rendered.message, trackerFor(vars.signer, m.messageId, [unsubscribe]));
  const outgoing = outgoingOf(tracked.message, m, r);
  return {
    ok: true,
    message: tracked.message,
    links: tracked.links,
    outgoing: {
      ...outgoing,
      // One-click unsubscribe (RFC 8058) must be an https address; over http only the link in the text.
      ...(tracked.message.channel === 'email' && unsubscribe.startsWith('https://')
        ? { unsubscribeUrl: unsubscribe }
        : {}),
      ...(tracked.message.channel === 'sms' ? { callbackUrl: esmsCallbackUrl(vars.signer) } : {}),
    },
  };
}

function outgoingOf(
  message: RenderedMessage,
  m: MessageRef,
  r: Recipient,
): Omit<OutgoingMessage, 'messageId' | 'idempotencyKey'> {
  const base = { channel: message.channel, promotional: m.promotional };
  switch (message.channel) {
    case 'email':
      return {
        ...base,
        to: r.email ?? '',
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
      };
    case 'sms':
      return { ...base, to: r.phone ?? '', text: message.text };
    case 'zalo':
      return {
        ...base,
        to: r.phone ?? '',
        text: '',
        zalo: { templateId: message.templateId, templateData: message.data },
      };
    case 'messenger':
      return {
        ...base,
        to: r.psid ?? '',
        text: message.text,
        // Promotions only inside the 24 h window; order updates under the post-purchase tag.
        messenger: m.promotional
          ? { messagingType: 'UPDATE' }
          : { messagingType: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' },
      };
    case 'webhook':
      return {
        ...base,
        to: '',
        text: '',
        payload: message.payload ?? {
          message_id: m.messageId,
          flow_id: m.flowId,
          step_id: m.stepId,
          customer: {
            id: r.customerId,
            first_name: r.firstName,
            last_name: r.lastName,
            phone: r.phone,
            email: r.email,
          },
        },
      };
    case 'popup':
      return { ...base, to: '', text: message.body };
    default:
      return assertNever(message, 'rendered message');
  }
}
