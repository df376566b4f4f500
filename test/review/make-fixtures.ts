/**
 * Run ONCE by hand to (re)build the committed round-trip fixtures in test/review/fixtures/ (needs LibreOffice:
 * `apt-get install -y --no-install-recommends libreoffice-calc-nogui python3-uno`; CI never runs this):
 *   npx tsx test/review/make-fixtures.ts
 * 1. xuncha writes leads.xlsx for the fixture run (fixture.ts);
 * 2. SheetJS fills it as a team would: sorted by 规则编号, 核查状态/结果/人/日期 typed (the date as an Excel date),
 *    one row deleted, an extra column 备注 added;
 * 3. LibreOffice re-saves that as xlsx (its own writer: shared strings, its own styles and zip order) and as BIFF8
 *    .xls, and (through Python-UNO, package python3-uno) as a password-protected .xls (password "xuncha", RC4
 *    encrypted BIFF8). LibreOffice 7.4 would not store an encrypted xlsx from a headless script (the Password
 *    property is ignored for OOXML, EncryptionData fails), so the encrypted-xlsx test builds the Office container
 *    (EncryptionInfo + EncryptedPackage streams in a CFB file) itself, see working-paper.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const py = join(tmp, 'encrypt.py');
writeFileSync(
  py,
  `import uno, sys, time
from com.sun.star.beans import PropertyValue
def pv(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for i in range(60):
    try:
        ctx = resolver.resolve("uno:pipe,name=xcfix;urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(1)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(sys.argv[1]), "_blank", 0, (pv("Hidden", True),))
doc.storeToURL(uno.systemPathToFileUrl(sys.argv[2]), (pv("FilterName", "MS Excel 97"), pv("Password", "xuncha")))
doc.close(True)
`,
);
const office = spawn('soffice', ['--headless', `-env:UserInstallation=file://${tmp}/lo2`, '--accept=pipe,name=xcfix;urp;'], { stdio: 'ignore' });
try {
  execFileSync('/usr/bin/python3', [py, filled, join(OUT, 'password-protected.xls')], { stdio: 'inherit' });
} finally {
  office.kill();
}
rmSync(tmp, { recursive: true, force: true });
console.log('fixtures written to', OUT);
