/**
 * The crash test of flows (issue 16's acceptance): 10,000 customers enter a live flow with one
 * SMS step at once (segment entry), sent through the real eSMS adapter to the fake eSMS in this
 * process, by `nurture worker` PROCESSES that are killed with SIGKILL at random moments 20 times
 * and restarted, then run to completion. Counted at the fake provider: every customer got exactly
 * one SMS, under exactly the RequestId of its outbox row (10,000 distinct RequestIds, none
 * accepted twice as a new message; repeats answered 124 are the dedupe working), every message is
 * `sent` in the outbox, every run is done with exactly one journal row per step. E-mails (SMTP,
 * held before the final dot) and webhooks go alongside: 1,000 of each here, bounded for CI;
 * `NURTURE_CRASH_FULL=1` makes it 10,000 e-mails (docs/flows.md has the figures).
 *
 * Kills land everywhere: at start-up, in the trigger scan, in run batches, and on purpose in the
 * provider-call window (right after the fake saw a call: the rows are `sending`, some calls went
 * out, their answers are not recorded). DuckDB: one worker owning the file, which recovers every
 * `sending` row at start. PostgreSQL: two workers on one schema (one killed at a time), with a
 * 3 s lease so the survivor or the restarted one takes orphans over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterOrders } from '../../src/app/after-orders.js';
import { setChannelSetting } from '../../src/app/channel-settings.js';
import { makeContext } from '../../src/app/context.js';
import { createFlow } from '../../src/app/flows/definitions.js';
import type { CustomerInput } from '../../src/domain/model/index.js';
import { createSegment } from '../../src/store/segments/index.js';
import { openStore, type Store } from '../../src/store/store.js';
import { PG_URL } from '../support/engines.js';
import { ESMS_FAKE_KEYS, startEsmsFake } from '../support/fakes/esms.js';
import { startSmtpFake } from '../support/fakes/smtp.js';
import { startWebhookFake, WEBHOOK_FAKE_SECRET } from '../support/fakes/webhook.js';
import { PG_SKIP_REASON } from '../support/skip.js';
import { transpileSources } from '../support/transpile.js';

const N = 10_000;
/** `NURTURE_CRASH_FULL=1`: every customer also gets an e-mail (10,000), not only the first 1,000. */
const FULL = process.env['NURTURE_CRASH_FULL'] === '1';
/** Of the N customers, the first MAIL also get a (transactional) e-mail, the last HOOKS a webhook. */
const MAIL = FULL ? N : 1_000;
const HOOKS = 1_000;
const isHook = (i: number) => i >= N - HOOKS;
/** How long one engine's run may take (the full run sends 21,000 messages through 20 kills). */
const RUN_MS = FULL ? 900_000 : 240_000;
const KILLS = 20;
const SHOP = 'crashshop';
const BUILD = resolve('test-artifacts/flows-crash-build');
let main = '';

/**
 * A fixed-offset zone in which it is about noon now: the promotional SMS is inside the allowed
 * hours whenever the test runs, so the cap and quiet hours stay on without deferring anything.
 */
function noonZone(now = new Date()): string {
  const offset = 12 - now.getUTCHours();
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Whether Vietnam's clock (UTC+7) is between 07:00 and 21:00: Decree 91's SMS hours, with an hour to spare. */
function insideSmsHours(now = new Date()): boolean {
  const hour = (now.getUTCHours() + 7) % 24;
  return hour >= 7 && hour < 21;
}

const phoneOf = (i: number) => `+8491${String(i).padStart(7, '0')}`;

function customers(): CustomerInput[] {
  return Array.from({ length: N }, (_, i) => ({
    source: 'shopify',
    externalId: `c${i}`,
    phone: phoneOf(i),
    ...(i < MAIL ? { email: `c${i}@example.vn` } : {}),
    firstName: 'Lan',
    consent: { sms: true, email: true },
    tags: ['crash', ...(i < MAIL ? ['crash-mail'] : []), ...(isHook(i) ? ['crash-hook'] : [])],
    attributes: {},
  }));
}

/** Seeds the shop with the project's own functions: one bulk import, the channel, the flow, the segment. */
async function seed(store: Store, fakes: Fakes): Promise<void> {
  const ctx = makeContext(store);
  await store.ensureShop({ shopId: SHOP, name: 'Crash', timezone: noonZone() });
  // The fake's URL carries its user and password (smtp://user:pass@host:port).
  const smtp = fakes.smtp.url;
  for (const [channel, key, value] of [
    ['esms', 'base_url', fakes.esms.url],
    ['esms', 'api_key', ESMS_FAKE_KEYS.apiKey],
    ['esms', 'secret_key', ESMS_FAKE_KEYS.secretKey],
    ['esms', 'brandname', ESMS_FAKE_KEYS.brandname],
    ['email', 'smtp_url', smtp],
    ['email', 'from', 'Crash <cskh@example.vn>'],
    ['webhook', 'url', fakes.hook.hookUrl],
    ['webhook', 'secret', WEBHOOK_FAKE_SECRET],
  ] as const)
    await setChannelSetting(ctx, { shopId: SHOP, channel, key, value });
  // The e-mail is transactional: a second promotion the same day would be deferred by the cap.
  // The SMS is promotional while Decree 91's hours (07:00-22:00 Vietnam time, whatever the shop's
  // zone) leave an hour for the run; outside them every promotional SMS to these Vietnamese numbers
  // waits for 07:00 and the run could not end, so it goes as a transactional one (the outbox's
  // crash path is the same).
  const flows = [
    ['crash', { sms: { text: 'Chào {{ customer.first_name }}' } }, insideSmsHours()],
    ['crash-mail', { email: { subject: 'Đơn hàng', text: 'Chào {{ customer.first_name }}' } }, false],
    ['crash-hook', { webhook: {} }, false],
  ] as const;
  for (const [name, content, promotional] of flows) {
    await createSegment(store, SHOP, { name, query: `tags CONTAINS '${name}'` });
    await createFlow(ctx, {
      shopId: SHOP,
      live: true,
      document: {
        name,
        trigger: { kind: 'segment_entered', segment: name },
        steps: [{ kind: 'send', id: 'send', channels: Object.keys(content), promotional, content }],
      },
    });
  }
  // Entries count after the flow went live: the import and its after-orders pipeline (which
  // records the segment entries) come after.
  await new Promise((done) => setTimeout(done, 20));
  const ids = await store.transaction(
    async (tx) =>
      (
        await tx.importBatch(
          SHOP,
          { customers: customers(), orders: [], events: [] },
          tx.newId('imp'),
          new Date(),
        )
      ).customerIds,
  );
  await afterOrders(ctx, SHOP, ids);
}

interface Worker {
  child: ChildProcess;
  /** Resolves when the worker logged its start (its store is open). */
  started: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function startWorker(db: string, extra: readonly string[] = []): Worker {
  const child = spawn(process.execPath, [main, 'worker', '--db', db, '--poll-ms', '50', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NURTURE_DB: '', NURTURE_SHOP: SHOP },
  });
  let out = '';
  let onStarted: () => void = () => {};
  const started = new Promise<void>((done) => {
    onStarted = done;
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
    if (out.includes('worker started')) onStarted();
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );
  return { child, started, exited, output: () => out };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** What the crash runs leave, read from the store once the workers are stopped (or alongside, on PostgreSQL). */
async function outcome(store: Store) {
  const count = async (sql: string) =>
    Number((await store.engine.all<{ n: number }>(sql, [SHOP]))[0]?.n ?? -1);
  const states = await store.engine.all<{ state: string; n: number }>(
    'SELECT state, COUNT(*) AS n FROM messages WHERE shop_id = $1 GROUP BY state',
    [SHOP],
  );
  const keys = await store.engine.all<{ idempotency_key: string; channel: string }>(
    'SELECT idempotency_key, channel FROM messages WHERE shop_id = $1',
    [SHOP],
  );
  return {
    messages: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
    keys: new Set(keys.map((k) => k.idempotency_key)),
    mailKeys: new Set(keys.filter((k) => k.channel === 'email').map((k) => k.idempotency_key)),
    // E-mails a crash caught `finalizing` (committed, dot maybe not written): counted as sent.
    mailFinalizingRecovered: await count(
      `SELECT COUNT(*) AS n FROM messages WHERE shop_id = $1 AND channel = 'email'
       AND reason LIKE 'a crash came after the final step%'`,
    ),
    runsDone: await count("SELECT COUNT(*) AS n FROM flow_runs WHERE shop_id = $1 AND state = 'done'"),
    runs: await count('SELECT COUNT(*) AS n FROM flow_runs WHERE shop_id = $1'),
    journal: await count('SELECT COUNT(*) AS n FROM flow_journal WHERE shop_id = $1'),
    journalRepeats: await count(
      `SELECT COUNT(*) AS n FROM (SELECT run_id, seq, step_id FROM flow_journal WHERE shop_id = $1
       GROUP BY run_id, seq, step_id HAVING COUNT(*) > 1) t`,
    ),
  };
}

interface Fakes {
  esms: Awaited<ReturnType<typeof startEsmsFake>>;
  smtp: Awaited<ReturnType<typeof startSmtpFake>>;
  hook: Awaited<ReturnType<typeof startWebhookFake>>;
}

async function startFakes(): Promise<Fakes & { close(): Promise<void> }> {
  const esms = await startEsmsFake();
  const smtp = await startSmtpFake();
  const hook = await startWebhookFake();
  return {
    esms,
    smtp,
    hook,
    async close() {
      await Promise.all([esms.close(), smtp.close(), hook.close()]);
    },
  };
}

/** Everything accepted by the fakes (an SMTP repeat counts: SMTP cannot dedupe). */
const accepted = (f: Fakes) => f.esms.received.length + f.smtp.received.length + f.hook.received.length;
const calls = (f: Fakes) => f.esms.calls + f.smtp.calls + f.hook.calls;

/**
 * Kills `KILLS` times: odd kills at a random moment within 1.5 s of the worker's start (its
 * start-up recovery, the scan, run batches, sending), even ones just after a fake saw a call
 * (inside the send window), SMS, e-mail and webhook in turn. `restart` brings
 * a worker back; returns when the last kill is done.
 */
async function killRandomly(
  fakes: Fakes,
  current: () => Worker,
  restart: () => Worker,
  log: string[],
): Promise<void> {
  for (let k = 1; k <= KILLS; k++) {
    const w = current();
    if (k % 2 === 0) {
      // In turn just after an SMS, an e-mail (its MAIL FROM: the message is about to be held)
      // and a webhook call, so that kills land inside each channel's send window.
      // After 3 s without a call of that channel (its messages all sent), any call will do.
      const fake = [fakes.esms, fakes.smtp, fakes.hook][(k / 2) % 3]!;
      const before = fake.calls;
      const beforeAny = calls(fakes);
      const since = Date.now();
      const called = () => fake.calls > before || (Date.now() - since > 3000 && calls(fakes) > beforeAny);
      // Some kills of this kind land after the last send: then it is a kill while idle.
      await until('a provider call', () => called() || w.child.exitCode !== null, 20_000).catch(
        () => undefined,
      );
      await sleep(Math.floor(Math.random() * 40));
    } else {
      await Promise.race([w.started, w.exited, sleep(20_000)]);
      await sleep(Math.floor(Math.random() * 1500));
    }
    w.child.kill('SIGKILL');
    const exit = await w.exited;
    log.push(
      `kill ${k}: ${exit.signal ?? exit.code} with ${accepted(fakes)} accepted, ${calls(fakes)} calls`,
    );
    restart();
  }
}

const EXPECTED = N + MAIL + HOOKS;

/** Whether every message reached its fake (e-mail: every Message-ID, repeats aside). */
function allArrived(f: Fakes): boolean {
  return (
    f.esms.received.length >= N &&
    new Set(f.smtp.received.map((m) => m.messageId)).size >= MAIL &&
    f.hook.received.length >= HOOKS
  );
}

/**
 * Whether the DuckDB worker is done, seen from the fakes (the worker owns the file): every
 * message arrived, or every SMS and webhook did and no call came for 3 s (an e-mail lost in
 * the residual window never arrives; the store says which afterwards).
 */
function quietAfterAll(f: Fakes): () => boolean {
  let last = -1;
  let since = Date.now();
  return () => {
    if (allArrived(f)) return true;
    const now = calls(f);
    if (now !== last) {
      last = now;
      since = Date.now();
      return false;
    }
    return f.esms.received.length >= N && f.hook.received.length >= HOOKS && Date.now() - since > 3000;
  };
}

/**
 * Counted at the fakes. SMS and webhook: exactly one accepted message per outbox row, under
 * its key (eSMS answers a repeated RequestId 124 and the receiver a repeated Idempotency-Key
 * 200 without recording it: the dedupe working). E-mail: SMTP cannot dedupe, so each e-mail is
 * held before its final dot until the outbox committed it `finalizing`: none may arrive twice.
 * One may be lost only in the residual window (the worker killed between that commit and the
 * dot write): such an e-mail is one that recovery counted as sent from `finalizing`, so losses
 * are at most `mailFinalizingRecovered`. Returns the repeats and losses seen.
 */
function checkProviders(
  f: Fakes,
  o: Pick<Awaited<ReturnType<typeof outcome>>, 'keys' | 'mailKeys' | 'mailFinalizingRecovered'>,
): {
  sms124: number;
  mailRepeats: number;
  mailLost: number;
  mailDiscarded: number;
  mailFinalizingRecovered: number;
  hookRepeats: number;
} {
  const { keys } = o;
  expect(f.esms.violations).toEqual([]);
  expect(f.smtp.violations).toEqual([]);
  expect(f.hook.violations).toEqual([]);
  expect(keys.size).toBe(EXPECTED);
  // SMS: each customer exactly one, under its outbox row's RequestId.
  expect(f.esms.received).toHaveLength(N);
  expect(new Set(f.esms.received.map((r) => r.phone)).size).toBe(N);
  const requestIds = new Set(f.esms.received.map((r) => r.requestId));
  expect(requestIds.size).toBe(N);
  for (const id of requestIds) expect(keys.has(id)).toBe(true);
  // Webhook: each message exactly once, under its key.
  expect(f.hook.received).toHaveLength(HOOKS);
  const hookKeys = new Set(f.hook.received.map((r) => r.idempotencyKey));
  expect(hookKeys.size).toBe(HOOKS);
  for (const id of hookKeys) expect(keys.has(id)).toBe(true);
  // E-mail: each `<key@nurture>` of an outbox row, once, to one address; none twice.
  const mailIds = new Map<string, Set<string>>();
  for (const m of f.smtp.received)
    mailIds.set(m.messageId, new Set([...(mailIds.get(m.messageId) ?? []), ...m.to]));
  for (const [id, to] of mailIds) {
    expect(o.mailKeys.has(/^<(.*)@nurture>$/.exec(id)?.[1] ?? id)).toBe(true);
    expect(to.size).toBe(1);
  }
  const mailRepeats = f.smtp.received.length - mailIds.size;
  const mailLost = MAIL - mailIds.size;
  expect(o.mailKeys.size).toBe(MAIL);
  expect(mailRepeats).toBe(0);
  expect(mailLost).toBeLessThanOrEqual(o.mailFinalizingRecovered);
  return {
    sms124: f.esms.calls - N,
    mailRepeats,
    mailLost,
    mailDiscarded: f.smtp.discarded,
    mailFinalizingRecovered: o.mailFinalizingRecovered,
    hookRepeats: f.hook.repeats(),
  };
}

function checkStore(o: Awaited<ReturnType<typeof outcome>>): void {
  expect(o.messages).toEqual({ sent: EXPECTED });
  expect(o.runs).toBe(EXPECTED);
  expect(o.runsDone).toBe(EXPECTED);
  expect(o.journalRepeats).toBe(0);
  expect(o.journal).toBe(EXPECTED);
}

function report(engine: string, seconds: number, r: ReturnType<typeof checkProviders>, log: string[]): void {
  console.info(
    `${engine} crash run: ${EXPECTED} messages (${N} SMS, ${MAIL} e-mails, ${HOOKS} webhooks) in ` +
      `${seconds.toFixed(1)} s with ${KILLS} kills; repeats deduped by the provider: ${r.sms124} SMS ` +
      `(eSMS 124), ${r.hookRepeats} webhooks; e-mails: ${r.mailRepeats} received twice, ${r.mailLost} ` +
      `lost, ${r.mailDiscarded} discarded by the server before their dot (sent again), ` +
      `${r.mailFinalizingRecovered} caught finalizing by a crash (counted as sent)\n${log.join('\n')}`,
  );
}

beforeAll(() => {
  main = transpileSources(BUILD);
}, 300_000);

describe('flows survive kill -9 of the worker: DuckDB, one `nurture worker` owning the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-crash-'));
  const workers: Worker[] = [];
  afterAll(() => {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    `${EXPECTED} messages, ${KILLS} kills: 0 lost, 0 duplicated`,
    async () => {
      const db = join(dir, 'shop.duckdb');
      const fakes = await startFakes();
      try {
        const store = await openStore({ db });
        await seed(store, fakes);
        await store.close();
        const started = Date.now();
        const start = () => {
          const w = startWorker(db);
          workers.push(w);
          return w;
        };
        start();
        const log: string[] = [];
        await killRandomly(fakes, () => workers.at(-1)!, start, log);
        const last = workers.at(-1)!;
        await until('every message arrived', quietAfterAll(fakes), RUN_MS / 2).catch((e: Error) => {
          throw new Error(`${e.message}; ${accepted(fakes)} accepted; worker said: ${last.output()}`);
        });
        // Let the last batch's answers be recorded, then stop gracefully (the file is the worker's).
        const before = calls(fakes);
        await sleep(1000);
        expect(calls(fakes)).toBe(before);
        // A worker stops gracefully once it has installed its signal handlers (it says so when started).
        await last.started;
        last.child.kill('SIGTERM');
        expect((await last.exited).code).toBe(0);
        const seconds = (Date.now() - started) / 1000;
        const check = await openStore({ db });
        try {
          const o = await outcome(check);
          const r = checkProviders(fakes, o);
          report('DuckDB', seconds, r, log);
          checkStore(o);
        } finally {
          await check.close();
        }
      } finally {
        await fakes.close();
      }
    },
    RUN_MS,
  );
});

describe.skipIf(!PG_URL)(
  `flows survive kill -9 of workers: PostgreSQL, two \`nurture worker\` processes${PG_URL ? '' : ` — ${PG_SKIP_REASON}`}`,
  () => {
    const schema = `nurture_test_${randomBytes(6).toString('hex')}`;
    const workers: Worker[] = [];
    afterAll(async () => {
      for (const w of workers)
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      const client = new pg.Client({ connectionString: PG_URL! });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    it(
      `${EXPECTED} messages, ${KILLS} kills: 0 lost, 0 duplicated`,
      async () => {
        const url = new URL(PG_URL!);
        url.searchParams.set('options', `-c search_path=${schema}`);
        const fakes = await startFakes();
        const store = await openStore({ db: PG_URL!, pgSchema: schema });
        try {
          await seed(store, fakes);
          const started = Date.now();
          const start = () => {
            const w = startWorker(url.href, ['--lease-ms', '3000']);
            workers.push(w);
            return w;
          };
          // A survivor that is never killed, and the one that is.
          const survivor = start();
          start();
          const log: string[] = [];
          await killRandomly(fakes, () => workers.at(-1)!, start, log);
          await until(
            'every message is sent',
            async () => (await outcome(store)).messages['sent'] === EXPECTED,
            RUN_MS / 2,
          ).catch((e: Error) => {
            throw new Error(`${e.message}; ${accepted(fakes)} accepted; worker said: ${survivor.output()}`);
          });
          const seconds = (Date.now() - started) / 1000;
          const alive = [survivor, workers.at(-1)!];
          // The last restart may still be starting: its signal handlers come with its start.
          for (const w of alive) await w.started;
          for (const w of alive) w.child.kill('SIGTERM');
          for (const w of alive) expect((await w.exited).code).toBe(0);
          const o = await outcome(store);
          const r = checkProviders(fakes, o);
          report('PostgreSQL', seconds, r, log);
          checkStore(o);
        } finally {
          await store.close();
          await fakes.close();
        }
      },
      RUN_MS,
    );
  },
);
