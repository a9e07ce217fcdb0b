/**
 * The store's idempotent writes under the flows, on both engines: a run is started once per entry
 * key, a message added once per source key, a message event recorded once per dedupe key — also
 * when the same rows come again (a scan repeated after a crash) or twice in one batch. DuckDB
 * skips the existing keys with an anti-join instead of ON CONFLICT (see `skipExisting`); this
 * pins that both engines keep the same semantics. And a worker's lease renewal touches only the
 * messages it still holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recordMessageEvents } from '../../src/store/flows/message-events.js';
import {
  insertMessages,
  listMessages,
  lockDueMessages,
  type MessageRecord,
  renewSendLeases,
  saveMessages,
} from '../../src/store/flows/messages.js';
import { insertRuns, type NewRun } from '../../src/store/flows/runs.js';
import { NoLongerHeld, writeSendAnswers } from '../../src/store/flows/send-answers.js';
import type { Store } from '../../src/store/store.js';
import { ENGINES } from '../support/engines.js';

const SHOP = 'outboxshop';
const AT = new Date('2027-03-01T03:00:00Z');

const run = (i: number, entryKey = `k${i}`): NewRun => ({
  runId: `run_${i}`,
  flowId: 'flow_1',
  version: 1,
  customerId: `cus_${i}`,
  entryKey,
  control: false,
  stepId: 'send',
  wakeAt: AT,
  context: {},
  enteredAt: AT,
});

const message = (i: number, sourceKey = `src:${i}`, over: Partial<MessageRecord> = {}): MessageRecord => ({
  messageId: `msg_${i}`,
  sourceKey,
  customerId: `cus_${i}`,
  flowId: 'flow_1',
  version: 1,
  runId: `run_${i}`,
  stepId: 'send',
  channels: ['sms'],
  channelIndex: 0,
  channel: 'sms',
  promotional: true,
  state: 'queued',
  dueAt: AT,
  planned: false,
  expiresAt: null,
  idempotencyKey: `msg_${i}`,
  provider: null,
  providerMessageId: null,
  recipient: null,
  rendered: null,
  reason: null,
  deferred: null,
  attempts: 0,
  leaseOwner: null,
  leaseUntil: null,
  createdAt: AT,
  sentAt: null,
  ...over,
});

const count = async (store: Store, sql: string) =>
  Number((await store.engine.all<{ n: number }>(sql, [SHOP]))[0]?.n ?? -1);

for (const engine of ENGINES)
  describe.skipIf(engine.skipped)(engine.title, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    const open = async () => {
      store = await engine.open();
      await store.ensureShop({ shopId: SHOP, name: 'Outbox', timezone: 'Asia/Ho_Chi_Minh' });
      return store;
    };

    it('starts a run once per entry key: again, in the same batch, or under a new run id', async () => {
      const s = await open();
      expect(await s.transaction((tx) => insertRuns(tx, SHOP, [run(1), run(2)], AT))).toBe(2);
      // The same occurrences scanned again (a crash before the watermark committed): new run ids.
      expect(await s.transaction((tx) => insertRuns(tx, SHOP, [run(11, 'k1'), run(12, 'k2')], AT))).toBe(0);
      // One new key, twice in a batch, next to an old one.
      expect(
        await s.transaction((tx) => insertRuns(tx, SHOP, [run(3), run(13, 'k3'), run(21, 'k1')], AT)),
      ).toBe(1);
      expect(await count(s, 'SELECT COUNT(*) AS n FROM flow_runs WHERE shop_id = $1')).toBe(3);
    });

    it('adds a message once per source key and records a message event once per dedupe key', async () => {
      const s = await open();
      await s.transaction((tx) => insertMessages(tx, SHOP, [message(1), message(2)]));
      await s.transaction((tx) =>
        insertMessages(tx, SHOP, [message(11, 'src:1'), message(3), message(13, 'src:3')]),
      );
      const rows = await listMessages(s, SHOP);
      expect(rows.map((m) => m.messageId).sort()).toEqual(['msg_1', 'msg_2', 'msg_3']);
      const sent = (id: string, eventId: string) => ({
        eventId,
        dedupeKey: `msg:${id}:sent`,
        name: 'Message Sent',
        customerId: 'cus_1',
        at: AT,
        properties: { message_id: id },
      });
      await s.transaction((tx) =>
        recordMessageEvents(tx, SHOP, [sent('msg_1', 'evt_1'), sent('msg_2', 'evt_2')]),
      );
      await s.transaction((tx) =>
        recordMessageEvents(tx, SHOP, [
          sent('msg_1', 'evt_11'),
          sent('msg_3', 'evt_3'),
          sent('msg_3', 'evt_13'),
        ]),
      );
      expect(
        await count(s, "SELECT COUNT(*) AS n FROM events WHERE shop_id = $1 AND name = 'Message Sent'"),
      ).toBe(3);
    });

    it('renews the lease of the messages a worker still holds, not of those another took over', async () => {
      const s = await open();
      const until = new Date(AT.getTime() + 60_000);
      await s.transaction((tx) =>
        insertMessages(tx, SHOP, [
          message(1, 'src:1', { state: 'sending', leaseOwner: 'w1', leaseUntil: until }),
          message(2, 'src:2', { state: 'sending', leaseOwner: 'w2', leaseUntil: until }),
          message(3, 'src:3', { state: 'sending', leaseOwner: 'w1', leaseUntil: until }),
        ]),
      );
      // Message 3 was answered meanwhile (sent): no lease to renew.
      await saveMessages(s, SHOP, [message(3, 'src:3', { state: 'sent', leaseOwner: 'w1' })], AT, 'w1');
      const later = new Date(AT.getTime() + 120_000);
      await renewSendLeases(s, SHOP, ['msg_1', 'msg_2', 'msg_3'], later, 'w1');
      const byId = new Map((await listMessages(s, SHOP)).map((m) => [m.messageId, m]));
      expect(byId.get('msg_1')?.leaseUntil?.toISOString()).toBe(later.toISOString());
      expect(byId.get('msg_2')?.leaseUntil?.toISOString()).toBe(until.toISOString());
      expect(byId.get('msg_3')?.leaseUntil).toBeNull();
    });

    it('writes answers and finalizing marks only for the messages the worker still holds', async () => {
      const s = await open();
      const until = new Date(AT.getTime() + 60_000);
      const held = (i: number, owner: string, state: MessageRecord['state'] = 'sending') =>
        message(i, `src:${i}`, { state, leaseOwner: owner, leaseUntil: until, sentAt: AT, attempts: 1 });
      await s.transaction((tx) =>
        insertMessages(tx, SHOP, [
          held(1, 'w1'),
          held(2, 'w2'),
          held(3, 'w1'),
          held(4, 'w1'),
          held(5, 'w1', 'sent'),
        ]),
      );
      const answer = (i: number) => ({
        ...held(i, 'w1'),
        state: 'sent' as const,
        providerMessageId: `p${i}`,
        leaseUntil: null,
      });
      const write = (exact: boolean) =>
        s.transaction((tx) =>
          writeSendAnswers(tx, SHOP, [answer(1), answer(2)], ['msg_3', 'msg_5'], 'w1', AT, exact),
        );
      // Message 2 went to another worker, message 5 is no longer in flight: on DuckDB the fast
      // write finds out by its counts and is rolled back; the exact one writes only what is held.
      if (s.dialect === 'duckdb') await expect(write(false)).rejects.toBeInstanceOf(NoLongerHeld);
      const written = await write(s.dialect === 'duckdb');
      expect([...written.answered]).toEqual(['msg_1']);
      expect([...written.finalized]).toEqual(['msg_3']);
      const byId = new Map((await listMessages(s, SHOP)).map((m) => [m.messageId, m]));
      expect(byId.get('msg_1')).toMatchObject({ state: 'sent', providerMessageId: 'p1', leaseUntil: null });
      expect(byId.get('msg_2')).toMatchObject({
        state: 'sending',
        providerMessageId: null,
        leaseOwner: 'w2',
      });
      expect(byId.get('msg_3')?.state).toBe('finalizing');
      expect(byId.get('msg_4')?.state).toBe('sending');
      expect(byId.get('msg_5')?.state).toBe('sent');
      // All held: the fast write writes everything (the rule on DuckDB).
      const again = await s.transaction((tx) =>
        writeSendAnswers(tx, SHOP, [{ ...answer(3), state: 'sent' }], ['msg_4'], 'w1', AT),
      );
      expect([...again.answered]).toEqual(['msg_3']);
      expect([...again.finalized]).toEqual(['msg_4']);
    });

    it('takes a batch of due messages out of 30,000 due without locking every due customer', async () => {
      // PostgreSQL once tried the customer's advisory lock on every due row before the LIMIT:
      // 30,000 due messages were 30,000 locks in one transaction, "out of shared memory".
      const s = await open();
      const many = Array.from({ length: 30_000 }, (_, i) => message(i));
      await s.transaction((tx) => insertMessages(tx, SHOP, many));
      const taken = await s.transaction((tx) => lockDueMessages(tx, SHOP, AT, 200));
      expect(taken).toHaveLength(200);
      expect(new Set(taken.map((m) => m.customerId)).size).toBe(200);
    });
  });
