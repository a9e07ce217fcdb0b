/**
 * The file that says a DuckDB database is owned by a running `nurture serve`: `<db>.serve.json`
 * beside it, readable by its owner only, holding the server's pid, its URL and a token that lets
 * the CLI hand it commands. Written when the server listens, removed when it stops.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface OwnerRecord {
  pid: number;
  url: string;
  token: string;
  db: string;
}

export function ownerFilePath(db: string): string {
  return `${resolve(db)}.serve.json`;
}

/** Whether a DuckDB file path (not PostgreSQL, not in-memory) can have an owner. */
export function isDuckDbFile(db: string): boolean {
  return db !== ':memory:' && !/^postgres(ql)?:\/\//.test(db);
}

export function writeOwnerFile(db: string, url: string): OwnerRecord {
  const record: OwnerRecord = {
    pid: process.pid,
    url,
    token: randomBytes(24).toString('base64url'),
    db: resolve(db),
  };
  writeFileSync(ownerFilePath(db), `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return record;
}

export function removeOwnerFile(db: string, record: OwnerRecord): void {
  const current = readOwnerFile(db);
  if (current?.token === record.token) rmSync(ownerFilePath(db), { force: true });
}

export function readOwnerFile(db: string): OwnerRecord | undefined {
  const path = ownerFilePath(db);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<OwnerRecord>;
    if (typeof parsed.pid === 'number' && typeof parsed.url === 'string' && typeof parsed.token === 'string')
      return { pid: parsed.pid, url: parsed.url, token: parsed.token, db: String(parsed.db ?? '') };
  } catch {
    return undefined;
  }
  return undefined;
}

/** Whether a process with this pid is running. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
