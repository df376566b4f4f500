/** `xuncha generate --out DIR [--scale S] [--seed N]` (SPEC §6). */
import { resolve } from 'node:path';
import { generate } from '../../generate/index.js';
import { EXIT } from '../exit.js';
import { createProgress } from '../progress.js';

export async function generateCommand(opts: { out: string; scale: number; seed: number; quiet?: boolean }): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  const t = performance.now();
  const r = await generate({ outDir: resolve(opts.out), scale: opts.scale, seed: opts.seed, onProgress: (m) => progress.info(m) });
  process.stderr.write(
    `生成完成/generated: ${r.people.toLocaleString('en-US')} 人, ${r.files.length} 个文件, truth.csv ${r.truth} 条  (${((performance.now() - t) / 1000).toFixed(1)} s)\n` +
      `运行/run: xuncha run ${resolve(opts.out, 'pipeline.yaml')}\n`,
  );
  return EXIT.ok;
}
