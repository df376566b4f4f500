/**
 * The working paper (SPEC §2.6): what leads.xlsx offers the teams, what `review` reads back after other writers
 * (LibreOffice xlsx and xls committed as fixtures, SheetJS-written files, GBK CSV) and after what teams do (sort,
 * delete rows, reorder and add columns, insert a title row, split into files), what it refuses (and then stores
 * nothing), and that a leads.xlsx holding typed values is never overwritten.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { UserError } from '../../src/errors.js';
import { writeLeadsXlsx } from '../../src/outputs/leads-xlsx.js';
import { writeRunOutputs } from '../../src/outputs/run-outputs.js';
import { importReviews } from '../../src/review/import.js';
import { REVIEW_STATUSES } from '../../src/review/model.js';
import { buildRunDb, currentOf, IDS, reviewsOf } from './fixture.js';

const FIX = join(import.meta.dirname, 'fixtures');
let dir: string;
const dbs: Db[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xc-wp-'));
});
afterAll(() => {
  for (const d of dbs) d.close();
  rmSync(dir, { recursive: true, force: true });
});

async function freshDb(): Promise<Db> {
  const db = await buildRunDb(':memory:');
  dbs.push(db);
  return db;
}

/** What `xuncha report` does in a run folder, without its lock: the guard, the files staged, then moved in. */
async function rewrite(run: string, db: Db): Promise<void> {
  const staging = mkdtempSync(join(dir, 'stage-'));
  try {
    const files = await writeRunOutputs(db, run, staging, { maskIds: true, hasLeads: true, commandLine: 'xuncha report' });
    for (const f of files) renameSync(join(staging, basename(f)), f);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function errorOf(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

/** The leads.xlsx rows of sheet 线索清单 as arrays (SheetJS), header first. */
function sheetRows(file: string, sheet = '线索清单'): unknown[][] {
  const wb = XLSX.readFile(file, { cellDates: true });
  return XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[sheet], { header: 1, defval: null, raw: true });
}

function writeBook(file: string, sheets: Record<string, unknown[][]>): void {
  const wb = XLSX.utils.book_new();
  for (const [name, aoa] of Object.entries(sheets)) XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa, { cellDates: true }), name);
  XLSX.writeFile(wb, file);
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('leads.xlsx as a working paper', () => {
  it('has the 核查 columns with a drop-down of exactly the vocabulary, dates as dates, filters, wrapping and print settings', async () => {
    const db = await freshDb();
    await db.run(`insert into reviews values ($id, '属实', '已核实', '张核查', DATE '2024-03-05', 'x.xlsx[线索清单]', 3, TIMESTAMP '2024-03-06 10:00:00')`, { id: IDS.zhang });
    const file = join(dir, 'paper.xlsx');
    await writeLeadsXlsx(db, file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    for (const name of ['线索清单', '关系保-人情保', '虚报冒领', '财务']) {
      const ws = wb.getWorksheet(name)!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      expect(header[0], name).toBe('线索编号');
      expect(header.slice(-4), name).toEqual(['核查状态', '核查结果', '核查人', '核查日期']);
      const status = header.indexOf('核查状态') + 1;
      const dv = (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation> } }).dataValidations.model;
      const col = ws.getColumn(status).letter;
      // every lead row's status cell offers exactly the vocabulary (exceljs expands the range per cell)
      for (let n = 2; n <= Math.max(ws.rowCount, 2); n++) {
        expect(dv[`${col}${n}`]?.type, `${name} ${col}${n}`).toBe('list');
        expect(dv[`${col}${n}`].formulae).toEqual([`"${REVIEW_STATUSES.join(',')}"`]);
      }
      expect(Object.values(dv).some((v) => v.type === 'date'), name).toBe(true);
      expect(ws.autoFilter, name).toBeTruthy();
      expect(ws.pageSetup.orientation).toBe('landscape');
      expect(ws.pageSetup.fitToWidth).toBe(1);
      expect(ws.pageSetup.fitToHeight).toBe(0);
      expect(ws.pageSetup.printTitlesRow).toBe('1:1');
    }
    const ws = wb.getWorksheet('线索清单')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    const c = (h: string) => header.indexOf(h) + 1;
    let seen = 0;
    ws.eachRow((row, n) => {
      if (n === 1) return;
      expect(row.getCell(c('起始日期')).value).toBeInstanceOf(Date);
      expect(typeof row.getCell(c('涉及金额(元)')).value).toBe('number');
      expect(row.getCell(c('线索描述')).alignment?.wrapText).toBe(true);
      const id = row.getCell(1).value;
      if (id === IDS.zhang) {
        seen++;
        expect(row.getCell(c('核查状态')).value).toBe('属实');
        expect(row.getCell(c('核查结果')).value).toBe('已核实');
        expect(row.getCell(c('核查日期')).value).toEqual(new Date(Date.UTC(2024, 2, 5)));
        expect((row.getCell(c('起始日期')).value as Date).toISOString().slice(0, 10)).toBe('2023-01-01');
      } else {
        expect(row.getCell(c('核查状态')).value).toBe('未核查');
      }
    });
    expect(seen).toBe(1);
    const info = JSON.stringify(wb.getWorksheet('说明')!.getSheetValues());
    expect(info).toContain('假设A'); // assumptions come from rule_runs, not from rule files
    expect(info).toContain('排除摩托车');
  });
});

const EXPECTED = {
  [IDS.zhang]: { status: '属实', result: '车辆登记属实，已停发低保', reviewer: '张核查', reviewed_on: '2024-03-05' },
  [IDS.wang]: { status: '已整改', result: '已追回1200元', reviewer: '李核查', reviewed_on: '2024-03-06' },
  [IDS.cash]: { status: '不属实', result: '有审批手续', reviewer: '王核查', reviewed_on: '2024-03-07' },
  [IDS.li]: { status: '未核查', result: null, reviewer: null, reviewed_on: null },
  [IDS.zhao]: { status: '未核查', result: null, reviewer: null, reviewed_on: null },
};

describe('xuncha review reads working papers re-saved by other writers', () => {
  for (const name of ['libreoffice-resaved.xlsx', 'libreoffice-resaved.xls']) {
    it(`${name}: sorted, a row deleted, a column added — statuses stored; importing it again changes nothing`, async () => {
      const db = await freshDb();
      const file = join(dir, name);
      copyFileSync(join(FIX, name), file);
      const s = await importReviews(db, [file]);
      expect(s.stored).toBe(3);
      expect(await currentOf(db)).toEqual(EXPECTED);
      const stored = await reviewsOf(db);
      expect(stored.every((r) => String(r.source_file).endsWith('[线索清单]'))).toBe(true);
      expect(stored.find((r) => r.lead_id === IDS.zhang)!.source_row).toBeGreaterThan(1);
      const again = await importReviews(db, [file]);
      expect(again.stored).toBe(0);
      expect(await reviewsOf(db)).toEqual(stored);
    });
  }

  it('SheetJS files split by the teams: a title row, reordered columns, another sheet, and a GBK CSV with two columns', async () => {
    const db = await freshDb();
    const paper = join(dir, 'split-src.xlsx');
    await writeLeadsXlsx(db, paper);
    const rows = sheetRows(paper);
    const head = rows[0] as string[];
    const idx = (h: string) => head.indexOf(h);
    // team 1: only the 关系保 leads, 核查 columns moved to the front, a title row above the header, an extra column
    const order = ['核查状态', '核查人', '线索编号', '对象名称', '核查结果', '核查日期'];
    const team1 = rows.filter((r) => r[idx('规则编号')] === 'dibao_vehicle').map((r) => [...order.map((h) => r[idx(h)]), '自加列']);
    const t1 = team1.find((r) => r[2] === IDS.li)!;
    t1[0] = '部分属实';
    t1[1] = '一组 刘';
    t1[4] = '车辆已转让，\n登记未变更';
    t1[5] = '2024年3月8日'; // a date typed as text
    const f1 = join(dir, 'team1.xlsx');
    writeBook(f1, { 一组: [['滨海县巡察一组核查表'], [...order, '备注'], ...team1], 组内说明: [['这一页是组内说明']] });
    // team 2: a CSV saved by Excel on a Chinese Windows (GBK), with just two columns, rows in another order
    const f2 = join(dir, 'team2.csv');
    writeFileSync(f2, iconv.encode(`核查状态,线索编号\r\n核查中,${IDS.zhao}\r\n,${IDS.wang}\r\n未核查,${IDS.cash}\r\n`, 'gb18030'));
    const s = await importReviews(db, [f1, f2]);
    expect(s.stored).toBe(2);
    const cur = await currentOf(db);
    expect(cur[IDS.li]).toEqual({ status: '部分属实', result: '车辆已转让，\n登记未变更', reviewer: '一组 刘', reviewed_on: '2024-03-08' });
    expect(cur[IDS.zhao]).toEqual({ status: '核查中', result: null, reviewer: null, reviewed_on: null });
    expect(cur[IDS.wang].status).toBe('未核查');
    const src = (await reviewsOf(db)).map((r) => [r.lead_id, r.source_file, r.source_row]);
    expect(src).toContainEqual([IDS.li, `${f1}[一组]`, team1.indexOf(t1) + 3]);
    expect(src).toContainEqual([IDS.zhao, f2, 2]);
    // a later copy with blank cells does not clear what was stored; a changed status is a new history row
    const f3 = join(dir, 'team1-later.csv');
    writeFileSync(f3, `线索编号,核查状态,核查结果\n${IDS.li},部分属实,\n${IDS.zhao},属实,\n`);
    const s3 = await importReviews(db, [f3]);
    expect(s3.stored).toBe(1);
    const cur3 = await currentOf(db);
    expect(cur3[IDS.li].result).toBe('车辆已转让，\n登记未变更');
    expect(cur3[IDS.zhao].status).toBe('属实');
    expect((await reviewsOf(db)).filter((r) => r.lead_id === IDS.zhao).map((r) => r.status)).toEqual(['核查中', '属实']);
  });
});

describe('bad working papers: a clear message with file, sheet, row and value; nothing stored', () => {
  async function base(): Promise<{ db: Db; rows: unknown[][]; head: string[] }> {
    const db = await freshDb();
    const paper = join(dir, `base-${dbs.length}.xlsx`);
    await writeLeadsXlsx(db, paper);
    const rows = sheetRows(paper);
    return { db, rows, head: rows[0] as string[] };
  }
  const rowOf = (rows: unknown[][], id: string) => rows.findIndex((r) => r[0] === id);

  it('reports every problem of every file at once and stores nothing', async () => {
    const { db, rows, head } = await base();
    const st = head.indexOf('核查状态');
    const a = rows.map((r) => [...r]);
    a[rowOf(a, IDS.zhang)][st] = '属实'; // fine, but the import fails as a whole
    a[rowOf(a, IDS.li)][st] = '已核实'; // not in the vocabulary
    a[rowOf(a, IDS.wang)][head.indexOf('核查日期')] = '三月五日'; // not a date
    a.push(['ffffffffffffffff', ...Array(head.length - 1).fill(null)]);
    a[a.length - 1][st] = '属实'; // unknown lead id
    const fa = join(dir, 'bad-a.xlsx');
    writeBook(fa, { 线索清单: a });
    const fb = join(dir, 'bad-b.csv');
    writeFileSync(fb, `线索编号,核查状态\n${IDS.zhang},不属实\n`); // conflicts with file a
    const e = await errorOf(importReviews(db, [fa, fb]));
    const codes = e.diagnostics.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['review.bad_status', 'review.bad_date', 'review.unknown_lead', 'review.conflict']));
    const bad = e.diagnostics.find((d) => d.code === 'review.bad_status')!;
    expect(bad.at).toEqual({ file: fa, sheet: '线索清单', row: rowOf(a, IDS.li) + 1 });
    expect(bad.zh).toContain('已核实');
    expect(bad.zh).toContain(REVIEW_STATUSES.join('、'));
    expect(e.diagnostics.find((d) => d.code === 'review.unknown_lead')!.zh).toContain('ffffffffffffffff');
    expect(e.diagnostics.find((d) => d.code === 'review.bad_date')!.zh).toContain('三月五日');
    const conflict = e.diagnostics.find((d) => d.code === 'review.conflict')!;
    expect(conflict.zh).toContain(IDS.zhang);
    expect(conflict.zh).toContain('属实（');
    expect(conflict.zh).toContain('不属实（');
    expect(await reviewsOf(db)).toEqual([]);
  });

  it('a sheet with 核查 columns but no 线索编号', async () => {
    const { db, rows, head } = await base();
    const st = head.indexOf('核查状态');
    const noId = rows.map((r, i) => {
      const x = r.slice(1);
      if (i === 1) x[st - 1] = '属实';
      return x;
    });
    const f = join(dir, 'no-id.xlsx');
    writeBook(f, { 线索清单: noId });
    const e = await errorOf(importReviews(db, [f]));
    expect(e.diagnostics.map((d) => d.code)).toEqual(['review.no_lead_id_column']);
    expect(e.diagnostics[0].at).toEqual({ file: f, sheet: '线索清单' });
    expect(e.diagnostics[0].zh).toContain('线索编号');
    expect(await reviewsOf(db)).toEqual([]);
  });

  it('a password-protected (encrypted) workbook and a corrupt one', async () => {
    const { db } = await base();
    // What Excel/WPS/LibreOffice write for "encrypt with password": an OLE compound file holding the
    // EncryptionInfo and EncryptedPackage streams instead of the zip (MS-OFFCRYPTO), whatever the extension.
    const cfb = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
    XLSX.CFB.utils.cfb_add(cfb, 'EncryptedPackage', Buffer.alloc(4096, 7));
    const enc = join(dir, 'locked.xlsx');
    writeFileSync(enc, XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
    const ok = readFileSync(join(FIX, 'libreoffice-resaved.xlsx'));
    const corrupt = join(dir, 'corrupt.xlsx');
    writeFileSync(corrupt, ok.subarray(0, Math.floor(ok.length / 2)));
    const lockedXls = join(FIX, 'password-protected.xls'); // saved by LibreOffice with the password "xuncha"
    const e = await errorOf(importReviews(db, [enc, corrupt, join(FIX, 'libreoffice-resaved.xlsx'), lockedXls]));
    expect(e.diagnostics.map((d) => [d.code, d.at?.file])).toEqual([
      ['review.encrypted', enc],
      ['review.unreadable', corrupt],
      ['review.encrypted', lockedXls],
    ]);
    expect(e.diagnostics[0].zh).toContain('密码');
    expect(await reviewsOf(db)).toEqual([]);
  });
});

describe('never losing typed work', () => {
  it('refuses to overwrite a leads.xlsx holding 核查 values not in the database, and rewrites it once they are imported', async () => {
    const db = await freshDb();
    const run = mkdtempSync(join(dir, 'run-'));
    await rewrite(run, db);
    const file = join(run, 'leads.xlsx');
    // untouched: rewriting is fine
    await rewrite(run, db);
    // a team types into the category sheet (SheetJS writes the file back)
    const wb = XLSX.readFile(file);
    const ws = wb.Sheets['虚报冒领'];
    const rows = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, defval: null });
    const r = rows.findIndex((x) => x[0] === IDS.zhao);
    const head = rows[0] as string[];
    ws[XLSX.utils.encode_cell({ r, c: head.indexOf('核查状态') })] = { t: 's', v: '属实' };
    ws[XLSX.utils.encode_cell({ r, c: head.indexOf('核查结果') })] = { t: 's', v: '死亡后冒领3个月' };
    XLSX.writeFile(wb, file);
    const before = sha(file);
    const e = await errorOf(rewrite(run, db));
    expect(e.diagnostics[0].code).toBe('review.unimported_work');
    expect(e.diagnostics[0].zh).toContain('xuncha review');
    expect(e.diagnostics[0].zh).toContain(`第${r + 1}行`);
    expect(sha(file)).toBe(before);
    await importReviews(db, [file]);
    await rewrite(run, db);
    const after = sheetRows(file, '虚报冒领');
    const h2 = after[0] as string[];
    const row = after.find((x) => x[0] === IDS.zhao)!;
    expect([row[h2.indexOf('核查状态')], row[h2.indexOf('核查结果')]]).toEqual(['属实', '死亡后冒领3个月']);
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain('死亡后冒领3个月');
  });

  it('refuses when the leads.xlsx cannot be read (the team put a password on it)', async () => {
    const db = await freshDb();
    const run = mkdtempSync(join(dir, 'run-'));
    writeFileSync(join(run, 'leads.xlsx'), Buffer.from('not a workbook'));
    const e = await errorOf(rewrite(run, db));
    expect(e.diagnostics[0].code).toBe('review.unimported_work');
    expect(readFileSync(join(run, 'leads.xlsx'), 'utf8')).toBe('not a workbook');
  });
});
