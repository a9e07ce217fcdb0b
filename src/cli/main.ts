#!/usr/bin/env node
import { defaultDeps } from './context.js';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), defaultDeps(process.env));
process.exitCode = code;
