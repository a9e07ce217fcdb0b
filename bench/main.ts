/**
 * `npm run bench -- <name> [options]`: runs one benchmark and prints its figures as markdown
 * (copy them into docs/benchmarks.md with the command line).
 */
const BENCHES: Record<string, () => Promise<(argv: string[]) => Promise<void>>> = {
  import: async () => (await import('./import.js')).benchImport,
  clv: async () => (await import('./clv.js')).benchClv,
  analyze: async () => (await import('./analyze.js')).benchAnalyze,
  segments: async () => (await import('./segments.js')).benchSegments,
  serve: async () => (await import('./serve.js')).benchServe,
  dashboard: async () => (await import('./dashboard.js')).benchDashboard,
  flows: async () => (await import('./flows.js')).benchFlows,
  loyalty: async () => (await import('./loyalty.js')).benchLoyalty,
  replenish: async () => (await import('./replenish.js')).benchReplenish,
  recommend: async () => (await import('./recommend.js')).benchRecommend,
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? BENCHES[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]\n`);
  process.exit(2);
}
await (await load())(rest);
