import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { NurtureError } from './errors.js';

/**
 * The files a command writes (`--out`, `--html`, `--customers-out`, `--rejects`, `--predict-out`),
 * in one place:
 *
 * - an output path that resolves to the database file (or its `.wal`) or to an input of the
 *   command is refused as invalid input naming the option, before the command changes anything
 *   (`segment export --out shop.duckdb --db shop.duckdb` used to replace the database);
 * - an output is written to a temporary file in the same folder and renamed over the path when
 *   complete, so that a failure half-way leaves the old file (or none), never half of one.
 */

/** An output of a command: the option that names it and the path. */
export interface OutputPath {
  option: string;
  path: string;
}

/** A file no output may replace: what it is ("the database", "the input file") and its path. */
export interface GuardedPath {
  what: string;
  path: string;
}

/** The files of a database setting: a DuckDB file and its write-ahead log; none for PostgreSQL or :memory:. */
export function databaseFiles(db: string): GuardedPath[] {
  if (db === ':memory:' || /^postgres(ql)?:\/\//.test(db)) return [];
  return [
    { what: 'the database', path: db },
    { what: "the database's write-ahead log", path: `${db}.wal` },
  ];
}

/**
 * Refuses outputs that would replace a guarded file or each other: the same path after resolving
 * `..`, symbolic links and hard links. Call it before the command changes anything.
 */
export async function checkOutputPaths(
  outputs: readonly (OutputPath | undefined)[],
  guarded: readonly GuardedPath[],
): Promise<void> {
  const given = outputs.filter((o): o is OutputPath => o !== undefined);
  const guards = await Promise.all(guarded.map(async (g) => ({ ...g, id: await identity(g.path) })));
  const seen: { option: string; id: FileIdentity }[] = [];
  for (const o of given) {
    const id = await identity(o.path);
    const hit = guards.find((g) => same(id, g.id));
    if (hit) refuse(o, `is ${hit.what}; writing it would destroy it`);
    const twin = seen.find((s) => same(id, s.id));
    if (twin) refuse(o, `is also the file of ${twin.option}`);
    seen.push({ option: o.option, id });
  }
}

function refuse(o: OutputPath, why: string): never {
  const reason = `${o.option} ${o.path} ${why}: choose another file`;
  throw new NurtureError('invalid_input', reason, [{ file: o.path, reason }]);
}

interface FileIdentity {
  /** The absolute path, with the symbolic links of its folder (and of itself, if it exists) resolved. */
  path: string;
  /** Device and inode when the file exists (hard links). */
  inode?: string;
}

async function identity(path: string): Promise<FileIdentity> {
  const absolute = resolve(path);
  let real = absolute;
  try {
    real = await realpath(absolute);
  } catch {
    try {
      real = join(await realpath(dirname(absolute)), basename(absolute));
    } catch {
      // A folder that does not exist: the write will say so.
    }
  }
  try {
    const s = await stat(real);
    return { path: real, inode: `${s.dev}:${s.ino}` };
  } catch {
    return { path: real };
  }
}

function same(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path || (a.inode !== undefined && a.inode === b.inode);
}

/** A temporary name beside `path` (same folder, so the rename is atomic). */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * A file-system error on the temporary file or its rename, told as the user sees it: the output
 * path could not be opened for writing (a missing folder, a directory given for a file).
 */
function aboutOutput(error: unknown, tmp: string, path: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (error instanceof Error && e.path === tmp) {
    e.path = path;
    e.syscall = 'open';
  }
  return error;
}

/** Writes a whole output file: to a temporary file beside it, then renamed over it. */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = temporaryPath(path);
  try {
    await writeFile(tmp, data, typeof data === 'string' ? 'utf8' : undefined);
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw aboutOutput(error, tmp, path);
  }
}

/**
 * An output written as a stream (large files): `stream` writes a temporary file beside `path`;
 * `commit()` ends it and renames it over `path`, `abort()` removes it.
 */
export interface OutputStream {
  stream: WriteStream;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Opens an output stream; a path that cannot be written fails here, about `path`. */
export async function openOutputStream(path: string): Promise<OutputStream> {
  const tmp = temporaryPath(path);
  const stream = createWriteStream(tmp, { encoding: 'utf8' });
  try {
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', fail);
    });
  } catch (error) {
    throw aboutOutput(error, tmp, path);
  }
  return {
    stream,
    commit: async () => {
      if (!stream.writableFinished)
        await new Promise<void>((ok, fail) => {
          stream.once('error', fail);
          stream.end(() => ok());
        });
      try {
        await rename(tmp, path);
      } catch (error) {
        await unlink(tmp).catch(() => undefined);
        throw aboutOutput(error, tmp, path);
      }
    },
    abort: async () => {
      stream.destroy();
      await unlink(tmp).catch(() => undefined);
    },
  };
}
