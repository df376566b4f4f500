/**
 * Regenerates the committed demo: `npx tsx src/generate/demo.ts` writes fixtures/demo/ (scale 0.006, seed 1)
 * and pipelines/demo.yaml (paths relative to the pipeline file).
 */
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, pipelineYaml } from './index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'fixtures', 'demo');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const r = await generate({ outDir: out, scale: 0.006, seed: 1 });
const yaml = pipelineYaml(r.sources ?? [], '../fixtures/demo/', 'report:\n  title: 滨海县民生领域大数据比对线索报告（演示数据）\noutput: ../out/demo\n').replace(/^name: .*$/m, 'name: 滨海县2023—2024年民生领域专项巡察（演示数据）');
writeFileSync(join(root, 'pipelines', 'demo.yaml'), yaml);
process.stderr.write(`demo: ${r.files.length} files, ${r.people} people, ${r.truth} truth rows\n`);
