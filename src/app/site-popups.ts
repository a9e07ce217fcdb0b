/**
 * Site popups: a shop's popups for every storefront visitor, identified or not, outside any flow
 * (seed 000: a welcome popup for new visitors). A flow's popup step reaches one customer; a site
 * popup reaches whoever visits, by its audience: `new` (visitors not known to have ordered) or
 * `all`. docs/widget.md, "Popups".
 */
import { z } from 'zod';
import { type MessageContent, parseContent } from '../domain/messages/content.js';
import { NurtureError } from '../errors.js';
import {
  deleteSitePopup,
  listSitePopups,
  SITE_POPUP_AUDIENCES,
  SITE_POPUP_STATES,
  type SitePopupRecord,
  upsertSitePopup,
} from '../store/flows/site-popups.js';
import type { AppContext } from './context.js';

/** A site popup as written (YAML or JSON), the same through the API. */
export const sitePopupDocumentSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes (welcome, exit-offer)'),
    audience: z.enum(SITE_POPUP_AUDIENCES).default('new'),
    state: z.enum(SITE_POPUP_STATES).default('live'),
    /** A popup content: title, body, cta, url, show, frequency (docs/messages.md). */
    content: z.record(z.string(), z.unknown()),
  })
  .strict();
export type SitePopupDocument = z.input<typeof sitePopupDocumentSchema>;

/** A site popup with its content validated. */
export interface SitePopup {
  name: string;
  audience: SitePopupRecord['audience'];
  state: SitePopupRecord['state'];
  content: MessageContent & { channel: 'popup' };
  createdAt: Date;
  updatedAt: Date;
}

function toSitePopup(r: SitePopupRecord): SitePopup {
  const content = parseContent(JSON.parse(r.content));
  if (content.channel !== 'popup') throw new NurtureError('internal', `site popup ${r.name} is not a popup`);
  return { ...r, content };
}

/**
 * Creates or replaces a site popup from its document. Throws NurtureError('invalid_input') with
 * the field (`content.title.vi`) and, for a template, its line and column.
 */
export async function setSitePopup(
  ctx: AppContext,
  input: { shopId: string; document: unknown },
): Promise<SitePopup> {
  const parsed = sitePopupDocumentSchema.safeParse(input.document);
  if (!parsed.success)
    throw new NurtureError(
      'invalid_input',
      'the site popup is not valid',
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), reason: i.message })),
    );
  const doc = parsed.data;
  const content = parseContent({ ...doc.content, channel: 'popup' }, 'content');
  await ctx.store.requireShop(input.shopId);
  const saved = await upsertSitePopup(
    ctx.store,
    input.shopId,
    { name: doc.name, content: JSON.stringify(content), audience: doc.audience, state: doc.state },
    ctx.clock.now(),
  );
  return toSitePopup(saved);
}

/** The shop's site popups (only the live ones with `liveOnly`). */
export async function sitePopups(
  ctx: AppContext,
  input: { shopId: string; liveOnly?: boolean },
): Promise<SitePopup[]> {
  return (await listSitePopups(ctx.store, input.shopId, input.liveOnly ?? false)).map(toSitePopup);
}

/** Deletes a site popup; NurtureError('not_found') when the shop has none of that name. */
export async function removeSitePopup(
  ctx: AppContext,
  input: { shopId: string; name: string },
): Promise<void> {
  if (!(await deleteSitePopup(ctx.store, input.shopId, input.name)))
    throw new NurtureError('not_found', `no site popup ${input.name}`);
}
