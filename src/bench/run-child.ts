/**
 * The xuncha run of the benchmark, in its own process, so its peak RSS is the run's alone (not the generator's
 * or the floor's). Prints one JSON line: the run result and maxRSS in MB.
 */
import { loadPipeline } from '../config/load-pipeline.js';
import { runPipeline } from '../cli/commands/run.js';

const [pipeline, out, tmp, memoryLimit] = process.argv.slice(2);
const config = loadPipeline(pipeline);
config.output = out;
config.engine.temp_directory = tmp;
config.engine.memory_limit = memoryLimit;
const t0 = performance.now();
const result = await runPipeline(config, { stage: 'run' });
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, rules: result.rules, leads: result.leads }) + '\n');
