/**
 * Run ONCE by hand to (re)build the committed round-trip fixtures in test/review/fixtures/ (needs LibreOffice:
 * `apt-get install -y --no-install-recommends libreoffice-calc-nogui`; CI never runs this):
 *   npx tsx test/review/make-fixtures.ts
 * 1. xuncha writes leads.xlsx for the fixture run (fixture.ts);
 * 2. SheetJS fills it as a team would: sorted by 规则编号, 核查状态/结果/人/日期 typed (the date as an Excel date),
 *    one row deleted, an extra column 备注 added;
 * 3. LibreOffice re-saves that as xlsx (its own writer: shared strings, its own styles and zip order) and as BIFF8
 *    .xls. (LibreOffice 7.4's headless store did not apply a password to xlsx; the encrypted-file test builds an
 *    Office-style encrypted CFB container itself, see working-paper.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import XLSX from 'xlsx';
import { writeLeadsXlsx } from '../../src/outputs/leads-xlsx.js';
import { buildRunDb, IDS } from './fixture.js';

const OUT = join(import.meta.dirname, 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'xc-fix-'));
const db = await buildRunDb(':memory:');
await writeLeadsXlsx(db, join(tmp, 'leads.xlsx'));
db.close();

const wb = XLSX.readFile(join(tmp, 'leads.xlsx'), { cellDates: true });
const ws = wb.Sheets['线索清单'];
const rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, defval: null, raw: true });
const head = rows[0] as string[];
const col = (h: string) => head.indexOf(h);
const body = rows.slice(1) as unknown[][];
body.sort((a, b) => String(a[col('规则编号')]).localeCompare(String(b[col('规则编号')])));
const fill: Record<string, [string, string, string, Date]> = {
  [IDS.zhang]: ['属实', '车辆登记属实，已停发低保', '张核查', new Date(Date.UTC(2024, 2, 5))],
  [IDS.wang]: ['已整改', '已追回1200元', '李核查', new Date(Date.UTC(2024, 2, 6))],
  [IDS.cash]: ['不属实', '有审批手续', '王核查', new Date(Date.UTC(2024, 2, 7))],
};
const kept = body.filter((r) => r[0] !== IDS.zhao); // a row deleted
for (const r of kept) {
  const f = fill[String(r[0])];
  if (f) [r[col('核查状态')], r[col('核查结果')], r[col('核查人')], r[col('核查日期')]] = f;
}
const aoa = [[...head, '备注'], ...kept.map((r) => [...r, '组内备注'])];
const out = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(out, XLSX.utils.aoa_to_sheet(aoa, { cellDates: true }), '线索清单');
const filled = join(tmp, 'filled.xlsx');
XLSX.writeFile(out, filled);

const soffice = (args: string[]) => execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${tmp}/lo`, ...args], { stdio: 'inherit' });
soffice(['--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', join(tmp, 'lo'), filled]);
copyFileSync(join(tmp, 'lo', 'filled.xlsx'), join(OUT, 'libreoffice-resaved.xlsx'));
soffice(['--convert-to', 'xls:MS Excel 97', '--outdir', join(tmp, 'lo'), filled]);
copyFileSync(join(tmp, 'lo', 'filled.xls'), join(OUT, 'libreoffice-resaved.xls'));
rmSync(tmp, { recursive: true, force: true });
console.log('fixtures written to', OUT);
