import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { NurtureError } from '../../errors.js';
import { type RouteSpec, route } from '../route.js';

export interface ForwardedCommand {
  argv: string[];
  cwd: string;
  shop?: string | undefined;
  lang?: string | undefined;
  /** The caller's standard input, for commands that read it (`--password-stdin`). */
  stdin?: string | undefined;
}

/** Runs a command line in the server's process, against its store; its output and exit code. */
export type CliRunner = (command: ForwardedCommand) => Promise<{ code: number; out: string; err: string }>;

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /internal/v1/cli`: a CLI command handed over by `nurture …` while this server owns the
 * DuckDB file. Only the holder of the owner file's token (readable by the file's owner alone)
 * may call it. Commands run one at a time.
 */
export function cliRoutes(token: () => string | undefined, run: CliRunner): RouteSpec[] {
  let queue: Promise<unknown> = Promise.resolve();
  return [
    route({
      method: 'POST',
      url: '/internal/v1/cli',
      auth: 'none',
      tag: 'Internal',
      summary: 'Runs a CLI command for `nurture` while the server owns the database.',
      hidden: true,
      body: z.object({
        argv: z.array(z.string().max(100_000)).max(200),
        cwd: z.string().min(1).max(4096),
        shop: z.string().max(64).optional(),
        lang: z.string().max(8).optional(),
        stdin: z.string().max(100_000).optional(),
      }),
      handler: async ({ request, body }) => {
        const expected = token();
        const given = /^Bearer\s+(\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (expected === undefined || !sameToken(given, expected))
          throw new NurtureError('unauthorized', 'not the token of this server');
        const next = queue.then(() => run(body));
        queue = next.catch(() => undefined);
        return next;
      },
    }),
  ];
}
