/**
 * The dashboard: server-rendered pages (htmx for the parts that update in place, ECharts drawn on
 * the server as SVG), in Vietnamese and English, behind a per-shop sign-in. Each page lives in
 * pages/, calls app/ functions and renders with html.ts; register.ts wraps them in sessions, roles
 * and CSRF checks.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { type OverviewCaches, overviewCaches } from '../../app/overview.js';
import { RateLimiter } from '../rate-limit.js';
import type { PageSpec } from './page.js';
import { authPages, type SignInLimits } from './pages/auth.js';
import { bestPages } from './pages/best.js';
import { channelSettingsPages } from './pages/channels-settings.js';
import { couponPages } from './pages/coupons.js';
import { customersPages } from './pages/customers.js';
import { engagementPages } from './pages/engagement.js';
import { flowEditorPages } from './pages/flow-editor.js';
import { flowTemplatePages } from './pages/flow-templates.js';
import { flowPages } from './pages/flows.js';
import { importPages } from './pages/imports.js';
import { livePages } from './pages/live.js';
import { loyaltyPages } from './pages/loyalty.js';
import { messagePages } from './pages/messages.js';
import { overviewPages } from './pages/overview.js';
import { productPages } from './pages/products.js';
import { segmentPages } from './pages/segments.js';
import { settingsPages } from './pages/settings.js';
import { type FirstOwnerInvite, welcomePages } from './pages/welcome.js';
import { registerDashboard, type WithContext } from './register.js';
import { type SessionCache, sessionCache } from './session.js';

export interface DashboardOptions {
  ctx: AppContext;
  read: WithContext;
  /** Sign-in attempts allowed (default: 10 at once then one every 6 s per address; 5 then one a minute per e-mail). */
  signInLimits?: SignInLimits;
  /** The one-time code of the welcome page, when the shop has no user yet. */
  firstOwner?: FirstOwnerInvite;
}

/** Every page of the dashboard, in menu order. */
export function dashboardPages(
  limits: SignInLimits,
  sessions: SessionCache,
  firstOwner?: FirstOwnerInvite,
  caches: OverviewCaches = overviewCaches(),
): PageSpec[] {
  return [
    ...authPages(limits, sessions),
    ...welcomePages(firstOwner),
    ...overviewPages(caches),
    ...customersPages(),
    ...segmentPages(),
    ...bestPages(),
    ...productPages(),
    // The templates page before the flow pages: `/flows/templates` is not a flow named "templates".
    ...flowTemplatePages(),
    ...flowPages(),
    ...flowEditorPages(),
    ...messagePages(),
    ...couponPages(),
    ...loyaltyPages(),
    ...engagementPages(),
    ...livePages(),
    ...importPages(),
    ...settingsPages(),
    ...channelSettingsPages(),
  ];
}

export async function mountDashboard(app: FastifyInstance, options: DashboardOptions): Promise<SessionCache> {
  const sessions = sessionCache(options.read);
  const limits = options.signInLimits ?? {
    perIp: new RateLimiter({ perSecond: 1 / 6, burst: 10 }),
    perEmail: new RateLimiter({ perSecond: 1 / 60, burst: 5 }),
  };
  await registerDashboard(app, {
    ctx: options.ctx,
    read: options.read,
    sessions,
    pages: dashboardPages(limits, sessions, options.firstOwner),
  });
  return sessions;
}
