import type { ChannelKind, Channels, SendOutcome } from '../../channels/channel.js';
import type { Coupon } from '../../domain/coupons/index.js';
import { allSteps, planFlow } from '../../domain/flows/plan.js';
import type { FlowDocument, Step } from '../../domain/flows/schema.js';
import { parseContent } from '../../domain/messages/content.js';
import type { RenderedMessage } from '../../domain/messages/render.js';
import { assertNever, NurtureError } from '../../errors.js';
import { loadRecipients, type Recipient } from '../../store/flows/recipients.js';
import { ordersForMessages } from '../../store/flows/vars.js';
import { readRun } from '../../store/recommend/read.js';
import { loadChannels } from '../channel-settings.js';
import type { AppContext } from '../context.js';
import { recommendationsOf } from '../recommend.js';
import { loadShopSettings } from '../shop-settings.js';
import { requireFlow } from './definitions.js';
import { type LoadedVersion, loadVersions } from './loaded.js';
import { type MessageRef, type MessageVars, renderMessage } from './message-content.js';

export interface PreviewInput {
  shopId: string;
  /** The flow. */
  name: string;
  /** Its send step. */
  step: string;
  /** Whose data to render with (default: a sample customer). */
  customerId?: string;
  /** One of the step's channels (default: its first). */
  channel?: ChannelKind;
  lang?: 'vi' | 'en';
}

export interface Preview {
  channel: ChannelKind;
  message: RenderedMessage;
}

/** A sample customer for previews without one. */
const SAMPLE: Recipient = {
  customerId: 'cus_sample',
  firstName: 'Lan',
  lastName: 'Nguyễn',
  phone: '+84912345678',
  email: 'lan.nguyen@example.vn',
  psid: null,
  consent: { email: true, sms: true, zalo: true, messenger: true },
  attributes: {},
  optedOut: new Set(),
};

/**
 * What a flow's send step would say to a customer (or a sample one), rendered with the flow's
 * newest version, the customer's latest order and a sample coupon when the flow makes one.
 * Writes nothing.
 */
export async function previewFlowMessage(ctx: AppContext, input: PreviewInput): Promise<Preview> {
  const prepared = await prepare(ctx, input);
  return { channel: prepared.channel, message: prepared.message };
}

/**
 * Like previewFlowMessage, but with content not saved yet (the dashboard's editor renders as the
 * seller types): `content` replaces the step's content for `channel` (default: the step's first
 * channel) in a copy of the newest version. The content is checked first like a saved one: a
 * Liquid error is NurtureError('invalid_input') with the field's path (`text.vi`) and its line
 * and column within the field. Writes nothing.
 */
export async function previewFlowContent(
  ctx: AppContext,
  input: PreviewInput & { content: unknown },
): Promise<Preview> {
  const prepared = await prepare(ctx, input, input.content);
  return { channel: prepared.channel, message: prepared.message };
}

/**
 * A flow document with one send step's content for some channels replaced (the rest of the
 * document as it was). Unknown steps and steps that do not send are left alone.
 */
export function withStepContent(
  doc: FlowDocument,
  stepId: string,
  content: Readonly<Record<string, unknown>>,
): FlowDocument {
  const swap = (steps: readonly Step[]): Step[] =>
    steps.map((step) => {
      if (step.id === stepId && step.kind === 'send')
        return { ...step, content: { ...step.content, ...content } };
      switch (step.kind) {
        case 'wait_for_event':
          return { ...step, onEvent: swap(step.onEvent), onTimeout: swap(step.onTimeout) };
        case 'condition':
          return { ...step, yes: swap(step.yes), no: swap(step.no) };
        case 'split':
          return { ...step, branches: step.branches.map((b) => ({ ...b, steps: swap(b.steps) })) };
        case 'wait':
        case 'wait_until_time':
        case 'wait_until_date':
        case 'send':
        case 'coupon':
        case 'tag':
        case 'set_attribute':
        case 'task':
        case 'exit':
          return step;
        default:
          return assertNever(step, 'flow step');
      }
    });
  return { ...doc, steps: swap(doc.steps) };
}

async function prepare(ctx: AppContext, input: PreviewInput, unsaved?: unknown) {
  const flow = await requireFlow(ctx, input.shopId, input.name);
  const versions = await loadVersions(ctx.store, input.shopId, [
    { flowId: flow.flowId, version: flow.version },
  ]);
  let version = versions.get(`${flow.flowId}:${flow.version}`);
  if (version && unsaved !== undefined) {
    const target = version.plan.steps.get(input.step)?.step;
    if (target?.kind === 'send') {
      const channel = input.channel ?? target.channels[0]!;
      // Checked (syntax, filters, shape) with paths inside the content; the cached version is not touched.
      parseContent({ ...(typeof unsaved === 'object' && unsaved !== null ? unsaved : {}), channel });
      const doc = withStepContent(version.doc, input.step, { [channel]: unsaved });
      const copy: LoadedVersion = { ...version, doc, plan: planFlow(doc.steps) };
      versions.set(`${flow.flowId}:${flow.version}`, copy);
      version = copy;
    }
  }
  const step = version?.plan.steps.get(input.step)?.step;
  if (!version || step?.kind !== 'send') {
    const sends = version
      ? [...allSteps(version.doc.steps)].filter((s) => s.kind === 'send').map((s) => s.id)
      : [];
    throw new NurtureError(
      'invalid_input',
      `flow "${input.name}" has no send step "${input.step}"; its send steps: ${sends.join(', ') || 'none'}`,
      [{ path: 'step', reason: 'not a send step of the flow' }],
    );
  }
  const channel = input.channel ?? step.channels[0]!;
  if (!step.channels.includes(channel))
    throw new NurtureError(
      'invalid_input',
      `step "${input.step}" sends by ${step.channels.join(', ')}, not ${channel}`,
      [{ path: 'channel', reason: 'not a channel of the step' }],
    );
  let recipient = SAMPLE;
  if (input.customerId) {
    const found = (await loadRecipients(ctx.store, input.shopId, [input.customerId])).get(input.customerId);
    if (!found)
      throw new NurtureError('not_found', `no customer ${input.customerId} in this shop`, [
        { path: 'customerId', reason: 'not found' },
      ]);
    recipient = found;
  }
  if (input.lang) recipient = { ...recipient, attributes: { ...recipient.attributes, lang: input.lang } };
  const shop = await ctx.store.requireShop(input.shopId);
  const settings = await loadShopSettings(ctx, input.shopId);
  const last = input.customerId
    ? (await ctx.store.listOrders(input.shopId, { customerId: input.customerId })).at(-1)
    : undefined;
  const orders = last ? await ordersForMessages(ctx.store, input.shopId, [last.orderId]) : new Map();
  const couponStep = [...allSteps(version.doc.steps)].find((s) => s.kind === 'coupon');
  const runId = 'run_preview';
  const now = ctx.clock.now();
  const coupons = new Map<string, Coupon>();
  if (couponStep?.kind === 'coupon')
    coupons.set('preview', {
      couponId: 'cpn_preview',
      shopId: input.shopId,
      code: 'NUR-XEM-THU',
      kind: couponStep.coupon.kind,
      value: couponStep.coupon.kind === 'free_shipping' ? null : couponStep.coupon.value,
      minOrder: couponStep.coupon.minOrder ?? null,
      customerId: null,
      expiresAt: new Date(now.getTime() + 86_400_000),
      createdAt: now,
      sourceKey: null,
      batchId: null,
      redeemedOrderId: null,
      redeemedAt: null,
      releasedAt: null,
      releaseReason: null,
    });
  const vars: MessageVars = {
    shop: { name: shop.name, currency: shop.currency, ...(settings.url ? { url: settings.url } : {}) },
    versions,
    runs: new Map([
      [
        runId,
        {
          ...(last ? { orderId: last.orderId } : {}),
          ...(coupons.size > 0 ? { coupons: { [couponStep!.id]: 'preview' } } : {}),
        },
      ],
    ]),
    orders,
    coupons,
    capOverride: () => undefined,
    recommendations: await recommendationsOf(ctx, input.shopId, [recipient.customerId]),
    smallShop: (await readRun(ctx.store, input.shopId))?.small ?? false,
  };
  const message: MessageRef = {
    messageId: 'msg_preview',
    runId,
    flowId: flow.flowId,
    version: flow.version,
    stepId: step.id,
    promotional: step.promotional,
  };
  const rendered = renderMessage(message, channel, recipient, vars, shop.timezone);
  if (!rendered.ok)
    throw new NurtureError('invalid_input', `the ${channel} message does not render: ${rendered.reason}`, [
      { path: `steps.${step.id}.content.${channel}`, reason: rendered.reason },
    ]);
  return { channel, message: rendered.message, outgoing: rendered.outgoing, promotional: step.promotional };
}

/**
 * Sends a flow's message once to a given phone or e-mail through the shop's channel, as a test:
 * outside the outbox, the cap and consent, so a seller sees it on their own phone.
 */
export async function testSendFlowMessage(
  ctx: AppContext,
  input: PreviewInput & { to: string },
  options: { channels?: Channels } = {},
): Promise<{ channel: ChannelKind; outcome: SendOutcome }> {
  const prepared = await prepare(ctx, input);
  const channels = options.channels ?? (await loadChannels(ctx, input.shopId));
  const adapter = channels[prepared.channel];
  if (!adapter)
    throw new NurtureError(
      'invalid_input',
      `the ${prepared.channel} channel is not set up (nurture channel set …)`,
      [{ path: 'channel', reason: 'not set up' }],
    );
  const id = ctx.newId('msg');
  const outcome = await adapter.send({
    ...prepared.outgoing,
    to: input.to,
    messageId: id,
    idempotencyKey: id,
  });
  return { channel: prepared.channel, outcome };
}
