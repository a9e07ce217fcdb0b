import type { SqlEngine } from '../engine.js';
import { coreSchema } from './001-core.js';

export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [coreSchema];

/** Applies the migrations this database has not seen yet, each in its own transaction. */
export async function migrate(engine: SqlEngine, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await engine.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER NOT NULL PRIMARY KEY,
      name VARCHAR NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL
    )`,
  );
  const done = new Set(
    (await engine.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await engine.transaction(async (tx) => {
      for (const sql of m.statements) await tx.run(sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        new Date(),
      ]);
    });
    applied.push(m.version);
  }
  return applied;
}
