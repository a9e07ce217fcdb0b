#!/usr/bin/env node
import { defaultDeps } from './context.js';
import { runCli } from './program.js';

// A reader that stops early (`nurture analyze --json | head`) closes the pipe: the command stops
// quietly, as other command-line tools do, instead of crashing on its next write.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const code = await runCli(process.argv.slice(2), defaultDeps(process.env));
process.exitCode = code;
