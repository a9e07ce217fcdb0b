import { Command, CommanderError } from 'commander';
import { exitCodeOf, fileSystemError, NurtureError } from '../errors.js';
import { errorText, UNEXPECTED_ERROR } from '../report/error-text.js';
import type { Lang } from '../report/format.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerAnalyzeCommand } from './commands/analyze.js';
import { registerChannelCommands } from './commands/channel.js';
import { registerClvCommand } from './commands/clv.js';
import { registerCouponCommands } from './commands/coupon.js';
import { registerDemoCommands } from './commands/demo.js';
import { registerFlowCommands } from './commands/flow.js';
import { registerImportCommand } from './commands/import.js';
import { registerJobsCommands } from './commands/jobs.js';
import { registerLoyaltyCommands } from './commands/loyalty.js';
import { registerPredictCommand } from './commands/predict.js';
import { registerProductCommands } from './commands/products.js';
import { registerRecommendCommands } from './commands/recommend.js';
import { registerReferralCommands } from './commands/referrals.js';
import { registerSegmentCommands } from './commands/segment.js';
import { registerServeCommand } from './commands/serve.js';
import { registerUserCommands } from './commands/user.js';
import type { CliDeps } from './context.js';
import { databaseOf, type ForwardedRun, forwardToOwner } from './forward.js';
import { inCliTerms } from './options.js';

/** Builds the `nurture` command; every subcommand calls the same functions as the API. */
export function buildProgram(deps: CliDeps): Command {
  const program = new Command('nurture')
    .description('Nurture: customer retention for online shops (segments, CLV, automated care)')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: deps.out, writeErr: deps.err });
  registerImportCommand(program, deps);
  registerDemoCommands(program, deps);
  registerAnalyzeCommand(program, deps);
  registerClvCommand(program, deps);
  registerPredictCommand(program, deps);
  registerSegmentCommands(program, deps);
  registerProductCommands(program, deps);
  registerRecommendCommands(program, deps);
  registerCouponCommands(program, deps);
  registerLoyaltyCommands(program, deps);
  registerReferralCommands(program, deps);
  registerServeCommand(program, deps);
  registerAdminCommands(program, deps);
  registerChannelCommands(program, deps);
  registerJobsCommands(program, deps);
  registerUserCommands(program, deps);
  registerFlowCommands(program, deps);
  return program;
}

/** Runs the CLI and returns the process exit code; expected errors print a message, not a stack. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    const forwarded = deps.ownsDatabase ? undefined : await forwardIfServed(argv, deps);
    if (forwarded) {
      deps.out(forwarded.out);
      deps.err(forwarded.err);
      return forwarded.code;
    }
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? 0 : 2;
    const error = fileSystemError(thrown) ?? thrown;
    const lang = errorLanguage(argv, deps);
    if (error instanceof NurtureError) {
      deps.err(`nurture: ${errorText(inCliTerms(error), lang)}\n`);
      return exitCodeOf(error);
    }
    deps.err(
      `nurture: ${UNEXPECTED_ERROR[lang]}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return exitCodeOf(error);
  }
}

/**
 * The language an error is printed in: `--lang vi|en` anywhere on the command line, else
 * NURTURE_LANG, else Vietnamese. A bad `--lang` or NURTURE_LANG (the error being printed, maybe)
 * falls back to the next source rather than failing again.
 */
function errorLanguage(argv: readonly string[], deps: CliDeps): Lang {
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i];
    const value = arg === '--lang' ? argv[i + 1] : arg?.startsWith('--lang=') ? arg.slice(7) : undefined;
    if (value === 'vi' || value === 'en') return value;
  }
  try {
    return deps.config({}).lang;
  } catch {
    return 'vi';
  }
}

/** The run of this command by the server that owns its DuckDB file, if one does. */
async function forwardIfServed(argv: readonly string[], deps: CliDeps): Promise<ForwardedRun | undefined> {
  let config: ReturnType<CliDeps['config']>;
  try {
    config = deps.config({});
  } catch {
    return undefined; // a bad setting is reported by the command itself
  }
  return forwardToOwner(
    argv,
    databaseOf(argv, config.db),
    { shop: config.shopId, lang: config.lang },
    deps.readStdin,
  );
}
