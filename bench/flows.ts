/**
 * `npm run bench -- flows [--customers 100000] [--waiting 1000000] [--workers 3]
 *   [--engines duckdb,postgres] [--pg postgres://…] [--profile DIR]`
 *
 * 1. Throughput: N customers enter a live flow at once (segment entry: they are imported after it
 *    went live and the after-orders pipeline records their entry) with a promotional SMS step
 *    (eSMS) and a transactional e-mail step (SMTP: transactional, because the daily cap of one
 *    promotional message would otherwise defer the second message to the next day), cap and quiet
 *    hours on (the shop's zone is chosen so that it is about noon: both messages are allowed at
 *    once). `nurture worker` processes (1 on DuckDB, `--workers` on PostgreSQL) do everything —
 *    trigger scan, runs, outbox — against the fake providers of the tests, in a process of their
 *    own. Measured: time from the workers' start until the fakes accepted every message, and the
 *    workers' peak RSS; then the outbox is checked (every message `sent`). Baseline in the same
 *    run: the same provider calls from a bare loop (the adapters, 16 at once, as the outbox does).
 * 2. Idle tick: with `--waiting` runs waiting in a 30-day delay, `runDueFlows` when nothing is
 *    due (what the worker does every poll), and its floor, the bare due-runs query.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterOrders } from '../src/app/after-orders.js';
import { loadChannels, setChannelSetting } from '../src/app/channel-settings.js';
import { makeContext } from '../src/app/context.js';
import { createFlow } from '../src/app/flows/definitions.js';
import { runDueFlows } from '../src/app/flows/run-due.js';
import type { Channel, OutgoingMessage } from '../src/channels/channel.js';
import { SmtpPools } from '../src/channels/smtp-pool.js';
import type { CustomerInput } from '../src/domain/model/index.js';
import { listFlows } from '../src/store/flows/definitions.js';
import { insertRuns, lockDueRuns, type NewRun } from '../src/store/flows/runs.js';
import { createSegment } from '../src/store/segments/index.js';
import { openStore, type Store } from '../src/store/store.js';
import type { FakeCounts } from './flows-fakes.js';
import { cpuSecondsOf } from './proc-cpu.js';
import { fmt, machine, markdownTable } from './util.js';

const SHOP = 'flowbench';
const CLI = resolve('dist/src/cli/main.js');
const FAKES = resolve('dist/bench/flows-fakes.js');

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A fixed-offset zone in which it is about noon now: promotional messages are allowed at once. */
function noonZone(now = new Date()): string {
  const offset = 12 - now.getUTCHours();
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** Whether Vietnam's clock (UTC+7) is between 07:00 and 21:00: Decree 91's SMS hours, with an hour to spare. */
function insideSmsHours(now = new Date()): boolean {
  const hour = (now.getUTCHours() + 7) % 24;
  return hour >= 7 && hour < 21;
}

/** The fake providers' process. */
interface Fakes {
  esms: string;
  smtp: string;
  count(): Promise<FakeCounts>;
  close(): Promise<void>;
}

async function startFakes(): Promise<Fakes> {
  const child = spawn(process.execPath, [FAKES], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((done) => waiting.push(done));
  const urls = JSON.parse(await next()) as { esms: string; smtp: string };
  return {
    ...urls,
    async count() {
      const answer = next();
      child.stdin!.write('count\n');
      return JSON.parse(await answer) as FakeCounts;
    },
    async close() {
      const exited = new Promise((done) => child.once('exit', done));
      child.stdin!.end();
      await exited;
    },
  };
}

function customers(from: number, to: number): CustomerInput[] {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return {
      source: 'shopify',
      externalId: `b${i}`,
      phone: `+8490${String(i).padStart(7, '0')}`,
      email: `khach${i}@example.vn`,
      firstName: 'Lan',
      consent: { sms: true, email: true },
      tags: ['bench'],
      attributes: {},
    };
  });
}

async function setChannels(store: Store, fakes: Fakes): Promise<void> {
  const ctx = makeContext(store);
  const settings: [string, string, string][] = [
    ['esms', 'base_url', fakes.esms],
    ['esms', 'api_key', 'esms-api-key-123'],
    ['esms', 'secret_key', 'esms-secret-key-456'],
    ['esms', 'brandname', 'SHOPABC'],
    ['email', 'smtp_url', fakes.smtp],
    ['email', 'from', 'An Phát <cskh@anphat.vn>'],
  ];
  for (const [channel, key, value] of settings)
    await setChannelSetting(ctx, { shopId: SHOP, channel, key, value });
}

/** The shop, its channels, the live flow, then N customers entering its segment at once. */
async function seed(store: Store, fakes: Fakes, n: number, mail: boolean): Promise<number> {
  const start = performance.now();
  const ctx = makeContext(store);
  await store.ensureShop({ shopId: SHOP, name: 'Giấy Mực An Phát', timezone: noonZone() });
  await setChannels(store, fakes);
  await createSegment(store, SHOP, { name: 'bench', query: "tags CONTAINS 'bench'" });
  await createFlow(ctx, {
    shopId: SHOP,
    live: true,
    document: {
      name: 'bench',
      trigger: { kind: 'segment_entered', segment: 'bench' },
      steps: [
        {
          kind: 'send',
          id: 'sms',
          channels: ['sms'],
          // Promotional while Decree 91's hours (07:00-22:00 Vietnam time, whatever the shop's
          // zone) leave an hour for the run; outside them every promotional SMS to these Vietnamese
          // numbers waits for 07:00 and the bench could not end: then it goes as a transactional one
          // (planned the same way, the cap and quiet hours bypassed).
          promotional: insideSmsHours(),
          content: { sms: { text: 'Chào {{ customer.first_name }}, giấy A4 giảm 10% hôm nay.' } },
        },
        ...(mail
          ? [
              {
                kind: 'send',
                id: 'mail',
                channels: ['email'],
                promotional: false,
                content: {
                  email: {
                    subject: 'Cảm ơn {{ customer.first_name }}',
                    text: 'Đơn hàng của bạn đã được xác nhận.',
                  },
                },
              },
            ]
          : []),
      ],
    },
  });
  await sleep(20);
  const CHUNK = 25_000;
  for (let from = 0; from < n; from += CHUNK) {
    const batch = customers(from, Math.min(n, from + CHUNK));
    const ids = await store.transaction(
      async (tx) =>
        (
          await tx.importBatch(
            SHOP,
            { customers: batch, orders: [], events: [] },
            tx.newId('imp'),
            new Date(),
          )
        ).customerIds,
    );
    await afterOrders(ctx, SHOP, ids);
  }
  return (performance.now() - start) / 1000;
}

/** Peak resident set of a live process (Linux: VmHWM), in MiB. */
function peakRssOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function startWorkers(db: string, count: number, profileDir: string | undefined): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(
      process.execPath,
      [
        ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
        CLI,
        'worker',
        '--db',
        db,
        '--poll-ms',
        '20',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NURTURE_DB: '' } },
    ),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null) return done();
          c.once('exit', () => done());
          c.kill('SIGTERM');
        }),
    ),
  );
}

/**
 * The bare loop: the same adapters' calls, 16 at once; `mix` 'both' alternates SMS and e-mail
 * (as many of each, as the flow sends). Returns calls per second.
 */
async function bareLoop(store: Store, n: number, mix: 'both' | 'sms' | 'email'): Promise<number> {
  // Pooled SMTP connections, as the worker keeps them (each e-mail held, then its dot written).
  const pools = new SmtpPools();
  const channels = await loadChannels(makeContext(store), SHOP, { smtpPools: pools });
  const sms = channels.sms as Channel;
  const email = channels.email as Channel;
  const tag = randomBytes(3).toString('hex');
  const message = (i: number): [Channel, OutgoingMessage] =>
    mix === 'sms' || (mix === 'both' && i % 2 === 0)
      ? [
          sms,
          {
            channel: 'sms',
            promotional: true,
            to: `8490${String(i).padStart(7, '0')}`,
            text: '[QC] Chào Lan, giấy A4 giảm 10% hôm nay.',
            messageId: `base-${tag}-${i}`,
            idempotencyKey: `base-${tag}-${i}`,
          },
        ]
      : [
          email,
          {
            channel: 'email',
            promotional: false,
            to: `khach${i}@example.vn`,
            subject: 'Cảm ơn Lan',
            text: 'Đơn hàng của bạn đã được xác nhận.',
            messageId: `base-${tag}-${i}`,
            idempotencyKey: `base-${tag}-${i}`,
          },
        ];
  let next = 0;
  let failed = 0;
  const start = performance.now();
  try {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < n; i = next++) {
          const [channel, m] = message(i);
          const outcome = await channel.send(m);
          if (outcome.kind !== 'sent') failed++;
        }
      }),
    );
  } finally {
    await pools.close();
  }
  const seconds = (performance.now() - start) / 1000;
  if (failed > 0) throw new Error(`bare loop: ${failed} sends not accepted`);
  return n / seconds;
}

interface Throughput {
  engine: string;
  workers: number;
  messages: number;
  seconds: number;
  rate: number;
  /** Messages/s until 99 % had arrived. */
  rate99: number;
  bareRate: number;
  bareSms: number;
  bareEmail: number;
  peakRss: number[];
  seedSeconds: number;
  outbox: Record<string, number>;
}

/** One engine's throughput run; `open` gives a store on a fresh database, `db` the workers' --db. */
async function throughput(
  engine: string,
  n: number,
  workers: number,
  open: () => Promise<Store>,
  db: string,
  closeBeforeWorkers: boolean,
  profileDir: string | undefined,
  mail: boolean,
): Promise<Throughput> {
  const fakes = await startFakes();
  try {
    let store = await open();
    const seedSeconds = await seed(store, fakes, n, mail);
    const perCustomer = mail ? 2 : 1;
    const bareRate = await bareLoop(store, Math.min(perCustomer * n, 20_000), mail ? 'both' : 'sms');
    const bareSms = await bareLoop(store, Math.min(n, 10_000), 'sms');
    const bareEmail = await bareLoop(store, Math.min(n, 5_000), 'email');
    const before = await fakes.count();
    if (closeBeforeWorkers) await store.close();
    process.stderr.write(`${engine}: seeded ${n} in ${fmt(seedSeconds, 1)} s; workers start\n`);
    const start = performance.now();
    const children = startWorkers(db, workers, profileDir);
    let counts = before;
    const peaks = children.map(() => 0);
    // When 99 % had arrived: on a loaded machine a few provider calls time out and wait for their
    // retry's back-off (30 s, doubling), which the time until all sent then mostly measures.
    let seconds99: number | undefined;
    const total = perCustomer * n;
    for (;;) {
      await sleep(200);
      counts = await fakes.count();
      const arrived = counts.sms - before.sms + (mail ? counts.mail - before.mail : 0);
      if (seconds99 === undefined && arrived >= 0.99 * total) {
        seconds99 = (performance.now() - start) / 1000;
        process.stderr.write(
          `${engine}: 99 % of ${total} arrived in ${fmt(seconds99, 1)} s (${fmt((0.99 * total) / seconds99, 0)}/s; bare ${fmt(bareRate, 0)}/s)\n`,
        );
      }
      children.forEach((c, i) => {
        peaks[i] = Math.max(peaks[i]!, peakRssOf(c.pid) || 0);
      });
      if (counts.sms - before.sms >= n && (!mail || counts.mail - before.mail >= n)) break;
      if (children.every((c) => c.exitCode !== null)) throw new Error(`${engine}: the workers exited`);
      if (performance.now() - start > 1_800_000) throw new Error(`${engine}: not done in 30 minutes`);
    }
    const seconds = (performance.now() - start) / 1000;
    await sleep(500);
    children.forEach((c, i) => {
      peaks[i] = Math.max(peaks[i]!, peakRssOf(c.pid) || 0);
    });
    const cpu = children.map((c) => cpuSecondsOf(c.pid));
    await stopWorkers(children);
    if (closeBeforeWorkers) store = await open();
    const rows = await store.engine.all<{ state: string; n: number }>(
      'SELECT state, COUNT(*) AS n FROM messages WHERE shop_id = $1 GROUP BY state',
      [SHOP],
    );
    await store.close();
    const after = await fakes.count();
    if (after.violations.length > 0) throw new Error(`contract violations: ${after.violations.join('; ')}`);
    process.stderr.write(
      `${engine}: ${perCustomer * n} messages in ${fmt(seconds, 1)} s (${fmt((perCustomer * n) / seconds, 0)}/s; 99 % at ${fmt((0.99 * total) / (seconds99 ?? seconds), 0)}/s), ` +
        `bare ${fmt(bareRate, 0)}/s, peak RSS ${peaks.map((p) => fmt(p, 0)).join(', ')} MiB, ` +
        `worker CPU ${cpu.map((c) => fmt(c, 1)).join(', ')} s, ` +
        `fakes: ${JSON.stringify(after)}, outbox ${JSON.stringify(rows)}\n`,
    );
    return {
      engine,
      workers,
      messages: perCustomer * n,
      seconds,
      rate: (perCustomer * n) / seconds,
      rate99: (0.99 * total) / (seconds99 ?? seconds),
      bareRate,
      bareSms,
      bareEmail,
      peakRss: peaks,
      seedSeconds,
      outbox: Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])),
    };
  } finally {
    await fakes.close();
  }
}

/** Runs waiting in a 30-day delay, inserted with the store's bulk run insert. */
async function seedWaiting(store: Store, waiting: number): Promise<void> {
  const ctx = makeContext(store);
  await store.ensureShop({ shopId: SHOP, name: 'Giấy Mực An Phát', timezone: noonZone() });
  await createSegment(store, SHOP, { name: 'bench', query: "tags CONTAINS 'bench'" });
  await createFlow(ctx, {
    shopId: SHOP,
    live: true,
    document: {
      name: 'waiting',
      trigger: { kind: 'segment_entered', segment: 'bench' },
      steps: [
        { kind: 'wait', id: 'wait', duration: '30d' },
        {
          kind: 'send',
          id: 'sms',
          channels: ['sms'],
          content: { sms: { text: 'Chào {{ customer.first_name }}' } },
        },
      ],
    },
  });
  const [flow] = await listFlows(store, SHOP, ['live']);
  if (!flow) throw new Error('no live flow');
  const now = Date.now();
  const CHUNK = 50_000;
  for (let from = 0; from < waiting; from += CHUNK) {
    const runs: NewRun[] = [];
    for (let i = from; i < Math.min(waiting, from + CHUNK); i++)
      runs.push({
        runId: `run_w${String(i).padStart(8, '0')}`,
        flowId: flow.flowId,
        version: 1,
        customerId: `cus_w${String(i).padStart(8, '0')}`,
        entryKey: `w${i}`,
        control: false,
        stepId: 'sms',
        // Spread over the next 30 days: none due now.
        wakeAt: new Date(now + 3_600_000 + ((i * 2_591_000) % (30 * 86_400_000))),
        context: { occurrence: `bench:in:${i}` },
        enteredAt: new Date(now - 60_000),
      });
    await store.transaction((tx) => insertRuns(tx, SHOP, runs, new Date()));
  }
}

interface IdleTick {
  engine: string;
  waiting: number;
  tick: { p50: number; max: number };
  floor: { p50: number; max: number };
}

async function timeMany(rounds: number, fn: () => Promise<unknown>): Promise<{ p50: number; max: number }> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, max: times.at(-1)! };
}

async function idleTick(engine: string, store: Store, waiting: number): Promise<IdleTick> {
  const start = performance.now();
  await seedWaiting(store, waiting);
  // Statistics, as autovacuum leaves them on a running database a minute later: without them,
  // right after a bulk entry, PostgreSQL plans the due-runs query on the entry-key index and
  // reads every run (57 ms at 1,000,000 instead of 0.04 ms).
  if (store.dialect === 'postgres') await store.engine.run('ANALYZE flow_runs');
  process.stderr.write(
    `${engine}: ${waiting} waiting runs in ${fmt((performance.now() - start) / 1000, 1)} s\n`,
  );
  const ctx = makeContext(store);
  const flows = await listFlows(store, SHOP, ['live']);
  const ids = flows.map((f) => f.flowId);
  const tick = await timeMany(20, async () => {
    const r = await runDueFlows(ctx, { shopId: SHOP, asOf: new Date() });
    if (r.advanced + r.started + r.messages.considered > 0) throw new Error('something was due');
  });
  const floor = await timeMany(20, () => lockDueRuns(store, SHOP, new Date(), 500, ids));
  process.stderr.write(`${engine}: idle tick ${JSON.stringify(tick)}, floor ${JSON.stringify(floor)}\n`);
  return { engine, waiting, tick, floor };
}

export async function benchFlows(argv: string[]): Promise<void> {
  const n = Number(option(argv, '--customers', '100000'));
  const waiting = Number(option(argv, '--waiting', '1000000'));
  const pgWorkers = Number(option(argv, '--workers', '3'));
  const engines = option(argv, '--engines', 'duckdb,postgres').split(',');
  // `--steps sms`: the SMS step alone, to see the engine where the provider is not the floor.
  const mail = option(argv, '--steps', 'sms,email').split(',').includes('email');
  const pgUrl = option(
    argv,
    '--pg',
    process.env['NURTURE_TEST_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test',
  );
  const profileArg = option(argv, '--profile', '');
  const profileDir = profileArg ? resolve(profileArg) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'nurture-bench-flows-'));
  const schemas: string[] = [];
  const pgSchema = () => {
    const schema = `nurture_bench_flows_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const url = new URL(pgUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return { schema, url: url.href };
  };
  const results: Throughput[] = [];
  const ticks: IdleTick[] = [];
  try {
    if (engines.includes('duckdb')) {
      const db = join(dir, 'flows.duckdb');
      results.push(await throughput('DuckDB', n, 1, () => openStore({ db }), db, true, profileDir, mail));
      if (waiting > 0) {
        const store = await openStore({ db: join(dir, 'waiting.duckdb') });
        try {
          ticks.push(await idleTick('DuckDB', store, waiting));
        } finally {
          await store.close();
        }
      }
    }
    if (engines.includes('postgres')) {
      const { schema, url } = pgSchema();
      results.push(
        await throughput(
          'PostgreSQL',
          n,
          pgWorkers,
          () => openStore({ db: pgUrl, pgSchema: schema }),
          url,
          false,
          profileDir,
          mail,
        ),
      );
      if (waiting > 0) {
        const store = await openStore({ db: pgUrl, pgSchema: pgSchema().schema });
        try {
          ticks.push(await idleTick('PostgreSQL', store, waiting));
        } finally {
          await store.close();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (schemas.length > 0) {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await client.end();
    }
  }
  process.stdout.write(
    `\n${machine()}; ${n} customers entering at once, ${mail ? `${2 * n} messages (SMS + e-mail)` : `${n} SMS`}\n\n`,
  );
  process.stdout.write(
    `${markdownTable(
      [
        'engine',
        'workers',
        'messages',
        'time until all sent',
        'messages/s',
        'messages/s until 99 % sent',
        'baseline: bare provider loop, msg/s (SMS + e-mail; SMS only; e-mail only)',
        'peak RSS per worker (MiB)',
        'outbox after',
        'seed (import + entry)',
      ],
      results.map((r) => [
        r.engine,
        r.workers,
        r.messages,
        `${fmt(r.seconds, 1)} s`,
        fmt(r.rate, 0),
        fmt(r.rate99, 0),
        `${fmt(r.bareRate, 0)}; ${fmt(r.bareSms, 0)}; ${fmt(r.bareEmail, 0)}`,
        r.peakRss.map((p) => fmt(p, 0)).join(', '),
        Object.entries(r.outbox)
          .map(([k, v]) => `${v} ${k}`)
          .join(', '),
        `${fmt(r.seedSeconds, 1)} s`,
      ]),
    )}\n\n`,
  );
  if (ticks.length > 0)
    process.stdout.write(
      `${markdownTable(
        [
          'engine',
          'runs waiting',
          'runDueFlows, nothing due: p50 / max',
          'floor: the due-runs query p50 / max',
        ],
        ticks.map((t) => [
          t.engine,
          t.waiting,
          `${fmt(t.tick.p50, 1)} / ${fmt(t.tick.max, 1)} ms`,
          `${fmt(t.floor.p50, 1)} / ${fmt(t.floor.max, 1)} ms`,
        ]),
      )}\n`,
    );
}
