import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { type IdSource, seededRandom } from '../../src/domain/ids.js';
import { openStore, type Store } from '../../src/store/store.js';
import { PG_SKIP_REASON, skipNote } from './skip.js';

/** Set by CI (and by developers who want the PostgreSQL suites to run). */
export const PG_URL = process.env['NURTURE_TEST_PG_URL'] || undefined;

/** Why suites that need PostgreSQL itself are skipped, if they are. */
export const pgSkipped: string | undefined = PG_URL ? undefined : PG_SKIP_REASON;

if (!PG_URL && process.env['NURTURE_REQUIRE_PG'])
  throw new Error('NURTURE_REQUIRE_PG is set but NURTURE_TEST_PG_URL is not: the PostgreSQL suites must run');

export interface EngineUnderTest {
  name: 'duckdb' | 'postgres';
  /** Opens a fresh, isolated, migrated store (its own in-memory database or PostgreSQL schema). */
  open(ids?: IdSource): Promise<Store>;
  /** Why the engine is skipped and how to run it, if it is (`SKIPPED: …`, see skip.ts). */
  skipped?: string;
  /** The name for suite titles: with the reason when skipped, which the summary reporter prints. */
  title: string;
}

const schemas: string[] = [];

afterAll(async () => {
  if (!PG_URL || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
});

export const ENGINES: EngineUnderTest[] = [
  { name: 'duckdb', title: 'duckdb', open: (ids) => openStore({ db: ':memory:', ...(ids ? { ids } : {}) }) },
  PG_URL
    ? {
        name: 'postgres',
        title: 'postgres',
        open: (ids) => {
          const schema = `nurture_test_${randomBytes(6).toString('hex')}`;
          schemas.push(schema);
          return openStore({ db: PG_URL, pgSchema: schema, ...(ids ? { ids } : {}) });
        },
      }
    : {
        name: 'postgres',
        title: `postgres${skipNote(PG_SKIP_REASON)}`,
        open: () => Promise.reject(new Error('PostgreSQL not configured')),
        skipped: PG_SKIP_REASON,
      },
];

/** A test clock: ids and timestamps advance only when the test says so. */
export class TestClock implements IdSource {
  private readonly rand: () => number;
  constructor(
    private ms: number,
    seed = 1,
  ) {
    this.rand = seededRandom(seed);
  }
  now(): number {
    return this.ms;
  }
  random(): number {
    return this.rand();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
