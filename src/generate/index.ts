/**
 * `xuncha generate`: a synthetic county with planted anomalies and ground truth (SPEC §6).
 *
 * Writes into outDir: the source files (CSV UTF-8/GB18030, XLSX), `truth.csv` (rule_id,subject_key,amount)
 * and `pipeline.yaml` that loads them. Deterministic per seed: all randomness comes from seeded streams.
 *
 * Files and their mess (all of it within SPEC §3.1, so a correct loader rejects no row):
 *  户籍人口信息.csv            GB18030, 2 title rows, 合计 row, 15-digit ids for some people born before 1945
 *  低保特困对象花名册.xlsx       2 title rows (merged), date cells, 户主身份证号 beside 成员身份证号, a few full-width ids, 合计
 *  一卡通发放明细/YYYY年MM月.csv  30 monthly files (glob): UTF-8 BOM / GB18030 / UTF-8 in turn, 3 header variants
 *                               (with and without title rows and period column), dates 2023-03-05 · 2023/3/5 ·
 *                               2023年3月5日 · 20230305 · 2023.3.5, money 1234.50 · "1,234.50" · "￥1,234.50",
 *                               full-width ids/amounts in ~1% of rows of some months, spaced account numbers, 合计/总计
 *  耕地地力保护补贴_YYYY.xlsx    number cells for area/amount, 2023 real date cells, 2024 text dates
 *  不动产登记信息.xlsx           text dates 2015年3月5日
 *  机动车登记_城区.csv / _乡镇.xlsx  UTF-8 without BOM (slash dates) / XLSX with the header on row 3 (date cells)
 *  财政供养人员名单.csv          UTF-8 BOM, 20150901 dates;  村社区干部花名册.xlsx: date cells
 *  殡葬火化信息.csv             GB18030, 2023.3.5 dates;   市场主体登记信息.csv: capital "500,000.00"
 *  承包地确权登记.csv            GB18030, several plots per contractor
 *  村干部亲属关系.csv / 村干部近亲属享受低保备案表.csv   relation and kin_filing
 *  会计凭证/<unit>_*.csv|xlsx    one file per unit in three forms: (0) UTF-8 BOM CSV, code and name columns,
 *                               debit/credit with thousands separators; (1) XLSX, one amount + 方向 借/贷, date cells;
 *                               (2) GB18030 CSV, code+name in one 科目 cell ("5001 业务活动费用/30201 办公费"),
 *                               fund source under 项目, compact dates
 *  政府采购合同.xlsx             procurement contracts
 *  财政统发工资明细.csv / 单位工资表.xlsx / 离退休人员待遇发放表.csv   payroll (payroll.ts): GB18030 with title, 小计 and
 *                               合计 rows and 2023年03月 months; XLSX with date-cell months and 应发 only; UTF-8 BOM 202303
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { County } from './county.js';
import { Finance } from './finance.js';
import { Payouts } from './payouts.js';
import { Payroll } from './payroll.js';
import { plantFinance } from './plant-finance.js';
import { plantLedger } from './plant-ledger.js';
import { plantPayroll } from './plant-payroll.js';
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
  const ledgerLook = plantLedger(fin, county, truth, scale);
  fin.number();

  const payroll = new Payroll(county, seed);
  const payrollLook = plantPayroll(county, payroll, truth, scale);
  payroll.buildBackground();

  const sources: SourceEntry[] = [];
  sources.push(...(await writeWelfareTables(county, outDir, seed, progress)));
  pay.writeMonths(outDir, seed, progress);
  sources.push({ table: 'subsidy', path: '一卡通发放明细/*.csv' });
  for (const g of await pay.writeGrain(outDir, welfare.grainExtra)) sources.push({ table: 'subsidy', path: g });
  sources.push(...(await fin.write(outDir)));
  progress(`vouchers: ${fin.vouchers.length} vouchers in ${fin.units.length} units`);
  sources.push(...(await payroll.write(outDir, seed)));
  progress(`payroll: ${payroll.rowsWritten} rows`);

  const nTruth = truth.write(outDir, pay.tally);
  writeFileSync(join(outDir, 'pipeline.yaml'), pipelineYaml(sources, ''));

  const files = listFiles(outDir).map((f) => relative(outDir, f).split('\\').join('/')).sort();
  const people = county.persons.filter((p) => !(p.flags & 16)).length;
  return { files, truth: nTruth, people, payouts: pay.rowsWritten, lookalikes: [...welfare.lookalikes, ...finLook, ...ledgerLook, ...payrollLook], sources };
}

const TABLE_ORDER = ['person', 'dibao', 'subsidy', 'property', 'vehicle', 'employee', 'payroll', 'cadre', 'death', 'business', 'land', 'voucher', 'procurement', 'relation', 'kin_filing'];

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
