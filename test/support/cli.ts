import { defaultDeps } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/program.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the `nurture` CLI in-process with captured output (the same code path as the binary). */
export async function cli(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const deps = {
    ...defaultDeps({}),
    out: (t: string) => {
      out += t;
    },
    err: (t: string) => {
      err += t;
    },
  };
  const code = await runCli(argv, deps);
  return { code, out, err };
}
