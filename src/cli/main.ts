#!/usr/bin/env node
import { defaultDeps } from './context.js';
import { runCli } from './program.js';

// A reader that stops early (`nurture analyze --json | head`) closes the pipe: the command stops
// quietly, as other command-line tools do, instead of crashing on its next write.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// Ctrl-C and SIGTERM end the process through exit, so that its 'exit' hooks run (they remove the
// import's staging files, which hold customers' contacts); an open transaction is not committed.
// Commands that stop gracefully themselves (serve, worker) listen for the signal too: then they
// handle it.
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
] as const)
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) process.exit(128 + number);
  });

const code = await runCli(process.argv.slice(2), defaultDeps(process.env));
process.exitCode = code;
