/**
 * Referral programme rules (issue 17, item 5): each customer's code, how a friend's referral is
 * judged (self-referral, rings, caps) and when it earns the referrer a reward. Pure: the store
 * gathers the facts, these functions decide.
 */
import { z } from 'zod';

/** Characters of generated codes: no 0/O, 1/I/L, so a code read aloud or typed at checkout survives. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * The code a customer gets: `prefix` (letters of the shop's choosing, default GT for "giới
 * thiệu") and characters drawn from a hash of the shop and customer, so the same customer gets
 * the same code on every engine; `attempt` draws another when a code is taken.
 */
export function referralCodeFor(shopId: string, customerId: string, attempt = 0, prefix = 'GT'): string {
  const text = `${shopId}\u0000${customerId}\u0000${attempt}`;
  let code = '';
  // FNV-1a, one seed per character: stable on every engine and platform (the domain has no crypto;
  // a code needs to be unguessable no more than a printed coupon does, and a taken one is drawn again).
  for (let i = 0; i < 6 + Math.floor(attempt / 4); i++) code += ALPHABET[fnv1a(text, i) % ALPHABET.length];
  return `${prefix}${code}`;
}

function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Codes compare without case or surrounding blanks (typed at checkout, read from a note). */
export function normalizeReferralCode(code: string): string {
  return code.trim().toUpperCase();
}

/** How Nurture learnt who referred the friend. */
export const REFERRAL_SOURCES = ['link', 'checkout_code', 'note', 'imported'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

/** A referral's life: pending (no delivered first order yet), delivered (in the return window), then converted, or refused / cancelled. */
export const REFERRAL_STATES = ['pending', 'delivered', 'converted', 'refused', 'cancelled'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** Why a referral was refused or cancelled. */
export const REFUSAL_REASONS = [
  'self_referral',
  'same_phone',
  'same_email',
  'same_address',
  'same_device',
  'ring',
  'cap_reached',
  'existing_customer',
  'first_order_returned',
  'first_order_failed',
  'merged_duplicate',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Reasons as the seller reads them. */
export const REFUSAL_TEXT: Record<RefusalReason, { vi: string; en: string }> = {
  self_referral: { vi: 'tự giới thiệu chính mình', en: 'referred themselves' },
  same_phone: { vi: 'cùng số điện thoại với người giới thiệu', en: "the referrer's own phone number" },
  same_email: { vi: 'cùng e-mail với người giới thiệu', en: "the referrer's own e-mail" },
  same_address: { vi: 'cùng địa chỉ giao hàng với người giới thiệu', en: "the referrer's own address" },
  same_device: { vi: 'cùng thiết bị (trình duyệt) với người giới thiệu', en: "the referrer's own device" },
  ring: { vi: 'giới thiệu vòng (A→B→A)', en: 'a referral ring (A→B→A)' },
  cap_reached: { vi: 'người giới thiệu đã đạt giới hạn', en: 'the referrer reached the cap' },
  existing_customer: {
    vi: 'đã là khách hàng trước khi được giới thiệu',
    en: 'already a customer before the referral',
  },
  first_order_returned: { vi: 'đơn đầu tiên bị trả lại', en: 'the first order was returned' },
  first_order_failed: {
    vi: 'đơn đầu tiên giao không thành công hoặc bị hủy',
    en: 'the first order failed delivery or was cancelled',
  },
  merged_duplicate: {
    vi: 'trùng người với lượt giới thiệu khác (hai hồ sơ khách đã được gộp)',
    en: 'the same person as another referral (two customer records were merged)',
  },
};

/** The programme's settings (shop settings `referrals.*`). */
export const referralSettingsSchema = z.object({
  /** Days after the delivery a return still cancels the referral; the reward waits this long. */
  returnWindowDays: z.number().int().min(0).max(365),
  /** Converted (or on their way) referrals a referrer may have; more are refused. 0: no cap. */
  capPerReferrer: z.number().int().min(0).max(100_000),
});
export type ReferralSettings = z.infer<typeof referralSettingsSchema>;

export const DEFAULT_REFERRAL_SETTINGS: ReferralSettings = { returnWindowDays: 7, capPerReferrer: 20 };

/** What is known of a customer for the self-referral checks. */
export interface ReferralParty {
  customerId: string;
  phone: string | null;
  email: string | null;
  /** The street address, normalised (see `normalizeAddress`), when known. */
  address: string | null;
  /** Anonymous ids (browsers) the customer was seen with. */
  devices: readonly string[];
}

/** An address compared loosely: lower case, no punctuation, single spaces. */
export function normalizeAddress(parts: readonly (string | null | undefined)[]): string | null {
  const text = parts
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .join(' ')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[.,;:#/\\-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : text;
}

export interface ReferralFacts {
  friend: ReferralParty;
  referrer: ReferralParty;
  /** The referrer was themselves referred by the friend (A→B, now B→A). */
  referrerReferredByFriend: boolean;
  /** The referrer's referrals that count against the cap (pending, delivered, converted). */
  referrerCount: number;
  /** The friend had an order placed before the referral was learnt of, and before the link was opened. */
  friendOrderedBefore: boolean;
}

/** The first reason to refuse a referral, if any (the order is the order of the checks). */
export function refusalOf(facts: ReferralFacts, settings: ReferralSettings): RefusalReason | undefined {
  const { friend, referrer } = facts;
  if (friend.customerId === referrer.customerId) return 'self_referral';
  if (friend.phone && friend.phone === referrer.phone) return 'same_phone';
  if (friend.email && friend.email === referrer.email) return 'same_email';
  if (friend.address && friend.address === referrer.address) return 'same_address';
  const devices = new Set(referrer.devices);
  if (friend.devices.some((d) => devices.has(d))) return 'same_device';
  if (facts.referrerReferredByFriend) return 'ring';
  if (facts.friendOrderedBefore) return 'existing_customer';
  if (settings.capPerReferrer > 0 && facts.referrerCount >= settings.capPerReferrer) return 'cap_reached';
  return undefined;
}

/** The friend's first order as the reward sees it. */
export interface FirstOrder {
  orderId: string;
  status: 'pending' | 'paid' | 'delivered' | 'failed_delivery' | 'returned' | 'refunded' | 'cancelled';
}

export type ReferralStep =
  | { kind: 'wait' }
  | { kind: 'delivered'; orderId: string; rewardDueAt: Date }
  | { kind: 'convert' }
  | { kind: 'cancel'; reason: RefusalReason };

/**
 * What a pending or delivered referral does next. The reward waits for the delivery of the
 * friend's first order (cash on delivery: paid is not enough) and then for the return window;
 * a first order refused at the door or cancelled, or returned within the window, cancels it.
 */
export function nextReferralStep(
  state: 'pending' | 'delivered',
  rewardDueAt: Date | null,
  first: FirstOrder | undefined,
  now: Date,
  settings: ReferralSettings,
): ReferralStep {
  if (!first) return { kind: 'wait' };
  switch (first.status) {
    case 'pending':
    case 'paid':
      return { kind: 'wait' };
    case 'failed_delivery':
    case 'cancelled':
      return { kind: 'cancel', reason: 'first_order_failed' };
    case 'returned':
    case 'refunded':
      return { kind: 'cancel', reason: 'first_order_returned' };
    case 'delivered': {
      if (state === 'pending')
        return {
          kind: 'delivered',
          orderId: first.orderId,
          rewardDueAt: new Date(now.getTime() + settings.returnWindowDays * 86_400_000),
        };
      return rewardDueAt && rewardDueAt.getTime() <= now.getTime() ? { kind: 'convert' } : { kind: 'wait' };
    }
  }
}
