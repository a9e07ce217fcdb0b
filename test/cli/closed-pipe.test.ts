import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

/*
 * `nurture analyze --json | head`: the reader closes the pipe before the command has written all
 * (here, before it has written anything). Checked against the build (dist/, made by `npm run
 * build`), as the binary is what a shell pipes.
 */
const builtCli = resolve('dist/src/cli/main.js');

/** Runs the built CLI with its stdout closed before it writes anything; its exit code and stderr. */
async function runWithClosedStdout(...args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [builtCli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, err };
}

describe.runIf(existsSync(builtCli))('the built CLI writing into a closed pipe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-pipe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops quietly with its exit code, without an EPIPE crash', async () => {
    const generated = await cli('generate', '--out', dir, '--customers', '60', '--seed', '7');
    expect(generated.code).toBe(0);
    const { code, err } = await runWithClosedStdout('analyze', join(dir, 'orders.csv'), '--json');
    expect(err).not.toContain('EPIPE');
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('keeps the exit code of a failure', async () => {
    const { code, err } = await runWithClosedStdout('analyze', join(dir, 'missing.csv'), '--json');
    expect(err).toContain('không tìm thấy tệp');
    expect(code).toBe(2);
  });
});
