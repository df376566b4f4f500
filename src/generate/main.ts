/** Standalone entry: `npx tsx src/generate/main.ts --out DIR [--scale S] [--seed N]` */
import { generate } from './index.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const get = (k: string) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = get('--out');
  if (!out) {
    process.stderr.write('usage: generate --out DIR [--scale S] [--seed N]\n');
    process.exit(2);
  }
  const scale = Number(get('--scale') ?? 1);
  const seed = Number(get('--seed') ?? 1);
  if (!(scale > 0) || !Number.isInteger(seed)) {
    process.stderr.write('--scale must be > 0 and --seed an integer\n');
    process.exit(2);
  }
  const t0 = process.hrtime.bigint();
  const quiet = args.includes('--quiet');
  const r = await generate({ outDir: out, scale, seed, onProgress: quiet
      ? undefined
      : (m) => process.stderr.write(`[${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)}s rss ${Math.round(process.memoryUsage().rss / 1048576)}MB] ${m}\n`) });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(`generated ${r.files.length} files, ${r.people} people, ${r.payouts} payout rows, ${r.truth} truth rows in ${secs.toFixed(1)} s\n`);
}
main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(3);
});
