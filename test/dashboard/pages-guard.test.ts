/**
 * Over every page of the dashboard: without a session a page sends to the sign-in form (and
 * changes nothing); with a session, a POST without the session's CSRF token is refused; an owner
 * page refuses staff. A page added later is checked by being in the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppContext, makeContext } from '../../src/app/context.js';
import { dashboardPages } from '../../src/server/dashboard/index.js';
import { sessionCache } from '../../src/server/dashboard/session.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import type { Store } from '../../src/store/store.js';
import { startTestServer } from '../server/support.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';

const engine = ENGINES[0]!;
const limits = {
  perIp: new RateLimiter({ perSecond: 1, burst: 1 }),
  perEmail: new RateLimiter({ perSecond: 1, burst: 1 }),
};
const pages = (ctx: AppContext) =>
  dashboardPages(
    limits,
    sessionCache((fn) => fn(ctx)),
  );
/** A path for a page's URL pattern, its parameters filled. */
const pathOf = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => `x-${name}`);

describe('every dashboard page is guarded (duckdb)', () => {
  let store: Store;
  let ctx: AppContext;
  let url = '';
  let close: () => Promise<void>;
  beforeAll(async () => {
    store = await engine.open();
    ctx = makeContext(store);
    const server = await startTestServer(store);
    url = server.url;
    close = server.close;
  });
  afterAll(async () => {
    await close();
    await store.close();
  });

  it('has pages to check', () => {
    expect(pages(ctx).filter((p) => p.access !== 'public').length).toBeGreaterThan(5);
  });

  it('sends a request without a session to the sign-in form', async () => {
    const anonymous = new DashboardClient(url);
    for (const spec of pages(ctx).filter((p) => p.access !== 'public')) {
      const answer =
        spec.method === 'GET'
          ? await anonymous.get(pathOf(spec.url))
          : await anonymous.post(pathOf(spec.url), {});
      expect([spec.method, spec.url, answer.status]).toEqual([spec.method, spec.url, 303]);
      expect(answer.headers.get('location')).toMatch(/^\/sign-in\?next=/);
    }
  });

  it('refuses a POST without the CSRF token, and owner pages to staff', async () => {
    const staff = new DashboardClient(url);
    await staff.signIn(await makeUser(ctx, 'guarded', 'staff'), undefined, '/sign-in');
    const owner = new DashboardClient(url);
    await owner.signIn(await makeUser(ctx, 'guarded', 'owner'), undefined, '/settings');
    expect(owner.csrf).not.toBe('');
    for (const spec of pages(ctx).filter((p) => p.access !== 'public')) {
      if (spec.method === 'POST') {
        const forged = await owner.post(pathOf(spec.url), { _csrf: 'not-the-token-of-this-session' });
        expect([spec.url, forged.status]).toEqual([spec.url, 403]);
      }
      if (spec.access === 'owner' && spec.method === 'GET') {
        const denied = await staff.get(pathOf(spec.url));
        expect([spec.url, denied.status]).toEqual([spec.url, 403]);
      }
    }
  });
});
