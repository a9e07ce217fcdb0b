/**
 * The ready message texts of the seeds' flows, in Vietnamese and English, for the flow
 * templates (`nurture flow templates`). Each is a message content (content.ts) with whether it
 * is promotional (counts against the cap, quiet hours, "[QC]" on SMS) and, for the 24 h voucher
 * reminders, how long it stays worth sending. Every text stays editable in the flow.
 *
 * Variables beyond the common ones (docs/messages.md): `account_url` (account activation),
 * `survey_url` (win-back survey), `nps_url` (NPS answer page; `score=N` is appended),
 * `checkout_url` (the abandoned checkout), `delivery` ({date, carrier, tracking_code}) and
 * `customer.orders_count` / `customer.total_spent`. Zalo ZNS templates are approved per shop by
 * Zalo: `templateId` is a placeholder the seller replaces, and the parameter names must match
 * the approved template's.
 */
import type { ChannelKind } from '../../channels/channel.js';
import type { LocalisedText, MessageContentInput } from './content.js';
import { DETRACTOR_CALL_TASK, NPS_LOOP } from './template-texts-feedback.js';
import {
  NEEDS_ATTENTION,
  POST_PURCHASE,
  REPLENISHMENT,
  WELCOME,
  WINBACK,
} from './template-texts-lifecycle.js';
import { POINTS_EXPIRING } from './template-texts-loyalty.js';
import {
  ABANDONED_CHECKOUT,
  COD_DELIVERY_UPDATE,
  NPS_AFTER_DELIVERY,
  ORDER_CONFIRMATION,
  VIP_GIFT_TASK,
} from './template-texts-service.js';

/** One ready message of a flow template. */
export interface TemplateMessage {
  channel: ChannelKind;
  promotional: boolean;
  /** Hours after the wanted send time after which the message is recorded expired (24 h voucher). */
  expiresInHours?: number;
  content: MessageContentInput;
}

/** The text of a staff task (title and body), rendered with the same variables and filters. */
export interface StaffTaskText {
  title: LocalisedText;
  body: LocalisedText;
}

/** The Zalo ZNS template id the seller replaces with their approved template's. */
export const ZNS_TEMPLATE_PLACEHOLDER = 'zns-template-id';

/** The ready messages, by flow template name, then by step. */
export const TEMPLATE_TEXTS = {
  welcome: WELCOME,
  'post-purchase': POST_PURCHASE,
  replenishment: REPLENISHMENT,
  winback: WINBACK,
  'needs-attention': NEEDS_ATTENTION,
  'nps-after-delivery': NPS_AFTER_DELIVERY,
  'nps-loop': NPS_LOOP,
  'abandoned-checkout': ABANDONED_CHECKOUT,
  'order-confirmation': ORDER_CONFIRMATION,
  'cod-delivery-update': COD_DELIVERY_UPDATE,
  'points-expiring': POINTS_EXPIRING,
} as const satisfies Record<string, Record<string, TemplateMessage>>;

/** The staff tasks of flow templates (vip-gift: a gift and a handwritten note for Loyal customers). */
export const TEMPLATE_TASKS = {
  'vip-gift': VIP_GIFT_TASK,
  'nps-detractor': DETRACTOR_CALL_TASK,
} as const satisfies Record<string, StaffTaskText>;

export { VIP_GIFT_TASK };
