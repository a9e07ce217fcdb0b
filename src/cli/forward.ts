/**
 * One owner of a DuckDB file: while `nurture serve` holds it (DuckDB lets no other process open
 * it, not even to read), a command given that file is carried out by the server. The CLI finds
 * the server through the owner file beside the database, checks /healthz, sends the command and
 * prints what the server printed, with the same exit code.
 */
import { NurtureError } from '../errors.js';
import { isDuckDbFile, processAlive, readOwnerFile } from '../server/owner-file.js';

/** Commands that never open the store, or that must run in this process. */
const LOCAL_COMMANDS = new Set(['serve', 'generate', 'clv', 'worker', 'help']);

/** The database a command line names: `--db PATH` / `--db=PATH`, else the configured one. */
export function databaseOf(argv: readonly string[], fallback: string): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--db' && argv[i + 1] !== undefined) return argv[i + 1]!;
    if (a.startsWith('--db=')) return a.slice(5);
  }
  return fallback;
}

export interface ForwardedRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Hands the command to the server that owns its database, if one does; undefined when the
 * command runs here (no server, a stale owner file, or a command that never opens the store).
 */
export async function forwardToOwner(
  argv: readonly string[],
  db: string,
  env: { shop?: string | undefined; lang?: string | undefined },
  readStdin?: () => Promise<string>,
): Promise<ForwardedRun | undefined> {
  const command = argv.find((a) => !a.startsWith('-'));
  if (command === undefined || LOCAL_COMMANDS.has(command) || argv.includes('--help') || argv.includes('-h'))
    return undefined;
  if (!isDuckDbFile(db)) return undefined;
  const owner = readOwnerFile(db);
  if (!owner || !processAlive(owner.pid)) return undefined;
  try {
    const health = await fetch(`${owner.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    if (!health.ok) throw new Error(`healthz answered ${health.status}`);
  } catch (error) {
    throw new NurtureError(
      'store_unavailable',
      `${db} is owned by nurture serve (pid ${owner.pid}, ${owner.url}), which does not answer: ${(error as Error).message}. ` +
        'Wait for it, or stop it (kill ' +
        `${owner.pid}) and run the command again`,
    );
  }
  // Standard input goes along only where a command reads it (a password), read once it is sure to go.
  const stdin = argv.includes('--password-stdin') && readStdin ? await readStdin() : undefined;
  const res = await fetch(`${owner.url}/internal/v1/cli`, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ argv, cwd: process.cwd(), shop: env.shop, lang: env.lang, stdin }),
  });
  const body = (await res.json()) as Partial<ForwardedRun> & { error?: { message?: string } };
  if (!res.ok || typeof body.code !== 'number')
    throw new NurtureError(
      'store_unavailable',
      `the server that owns ${db} (pid ${owner.pid}) could not run the command: ${body.error?.message ?? res.status}`,
    );
  return { code: body.code, out: body.out ?? '', err: body.err ?? '' };
}
