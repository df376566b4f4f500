/**
 * `xuncha generate`: a synthetic county with planted anomalies and ground truth (SPEC §6).
 *
 * Writes into outDir: the source files (CSV UTF-8/GB18030, XLSX), `truth.csv` (rule_id,subject_key,amount)
 * and `pipeline.yaml` that loads them. Deterministic per seed: all randomness comes from seeded streams.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { County } from './county.js';
import { Finance } from './finance.js';
import { Payouts } from './payouts.js';
import { plantFinance } from './plant-finance.js';
import { plantWelfare } from './plant-welfare.js';
import { Rng } from './random.js';
import { writeWelfareTables, type SourceEntry } from './tables.js';
import { Truth } from './truth.js';

export interface GenerateOptions {
  outDir: string;
  scale?: number;
  seed?: number;
  onProgress?: (msg: string) => void;
}
export interface GenerateResult {
  files: string[];
  truth: number;
  people: number;
  /** number of subsidy payout rows written */
  payouts?: number;
  lookalikes?: string[];
  /** the pipeline sources, paths relative to outDir */
  sources?: SourceEntry[];
}

export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const scale = opts.scale ?? 1;
  const seed = opts.seed ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, got ${scale}`);
  const progress = opts.onProgress ?? (() => {});
  const outDir = opts.outDir;
  mkdirSync(outDir, { recursive: true });
  // stale monthly files from an earlier run would be picked up by the glob
  rmSync(join(outDir, '一卡通发放明细'), { recursive: true, force: true });
  rmSync(join(outDir, '会计凭证'), { recursive: true, force: true });

  const county = new County(scale, Rng.derive(seed, 'county'));
  county.buildGeography();
  county.buildPopulation();
  county.buildBackground();
  progress(`population: ${county.persons.length} people, ${county.households.length} households, ${county.villages.length} villages`);

  const truth = new Truth();
  const pay = new Payouts(county);
  const welfare = plantWelfare(county, pay, truth, scale);

  const fin = new Finance(county, scale, Rng.derive(seed, 'finance'));
  fin.buildUnits();
  fin.buildBackground();
  const finLook = plantFinance(fin, truth, scale);
  fin.number();

  const sources: SourceEntry[] = [];
  sources.push(...(await writeWelfareTables(county, outDir, seed, progress)));
  pay.writeMonths(outDir, seed, progress);
  sources.push({ table: 'subsidy', path: '一卡通发放明细/*.csv' });
  for (const g of await pay.writeGrain(outDir, welfare.grainExtra)) sources.push({ table: 'subsidy', path: g });
  sources.push(...(await fin.write(outDir)));
  progress(`vouchers: ${fin.vouchers.length} vouchers in ${fin.units.length} units`);

  const nTruth = truth.write(outDir, pay.tally);
  writeFileSync(join(outDir, 'pipeline.yaml'), pipelineYaml(sources, ''));

  const files = listFiles(outDir).map((f) => relative(outDir, f).split('\\').join('/')).sort();
  const people = county.persons.filter((p) => !(p.flags & 16)).length;
  return { files, truth: nTruth, people, payouts: pay.rowsWritten, lookalikes: [...welfare.lookalikes, ...finLook], sources };
}

const TABLE_ORDER = ['person', 'dibao', 'subsidy', 'property', 'vehicle', 'employee', 'cadre', 'death', 'business', 'land', 'voucher', 'procurement', 'relation', 'kin_filing'];

/** SPEC §2.2 pipeline text; `prefix` is prepended to every path (e.g. '../fixtures/demo/') */
export function pipelineYaml(sources: SourceEntry[], prefix: string, extra = ''): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = ['name: 滨海县2023—2024年民生领域专项巡察（合成数据）', 'sources:'];
  for (const t of TABLE_ORDER) {
    const list = sources.filter((s) => s.table === t);
    if (!list.length) continue;
    const one = (s: SourceEntry) => {
      const parts = [`path: ${q(prefix + s.path)}`];
      if (s.encoding) parts.push(`encoding: ${s.encoding}`);
      if (s.header_row) parts.push(`header_row: ${s.header_row}`);
      return `{ ${parts.join(', ')} }`;
    };
    if (list.length === 1) lines.push(`  ${t}: ${one(list[0])}`);
    else {
      lines.push(`  ${t}:`);
      for (const s of list) lines.push(`    - ${one(s)}`);
    }
  }
  return lines.join('\n') + '\n' + extra;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
