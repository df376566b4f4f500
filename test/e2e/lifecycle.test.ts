/**
 * The lead lifecycle end to end (SPEC §2.6, issue 11): generate a county → run → teams fill the working paper in
 * several files (re-saved by another writer, sorted, split, one as GBK CSV) → `xuncha review` → a typed but not
 * imported value stops `xuncha report` (exit 1) → the county's data changes (two anomalies put right, one new) →
 * run with --previous → followup.csv, carried statuses, 整改率 and the report's 回头看 section, each checked against
 * a computation made here from the two runs' leads.csv and the statuses the test typed.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import XLSX from 'xlsx';
import { afterAll, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/commands/run.js';
import { loadPipeline } from '../../src/config/load-pipeline.js';
import { Db } from '../../src/db/connection.js';
import { generate } from '../../src/generate/index.js';
import { leadId } from '../../src/leads/lead-id.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function xuncha(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'src', 'cli', 'launcher.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function readCsv(file: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
}

it('run → fill → review → report → data changes → run --previous: followup, carried statuses and 整改率', async () => {
  const base = mkdtempSync(join(tmpdir(), 'xc-life-'));
  dirs.push(base);
  const county = join(base, 'county');
  await generate({ outDir: county, scale: 0.05, seed: 11 });
  const run1 = join(base, 'run1');
  const c1 = loadPipeline(join(county, 'pipeline.yaml'));
  c1.output = run1;
  await runPipeline(c1, { stage: 'run' });
  const leads1 = readCsv(join(run1, 'leads.csv'));
  const byRule = (r: string) => leads1.filter((l) => l.rule_id === r);

  // the anomalies the test will put right, and the statuses teams give them
  const vehicle = byRule('dibao_vehicle')[0]; // its vehicle row will be deleted
  const dead = byRule('deceased_payment')[0]; // its death record will be deleted
  const typed: Record<string, [string, string]> = {
    [vehicle.lead_id]: ['属实', '车辆属实，责令整改'],
    [dead.lead_id]: ['已整改', '已停发并追回'],
    [byRule('deceased_payment')[1].lead_id]: ['已整改', '称已停发'], // still present next time → 整改不到位
    [byRule('dibao_vehicle')[1].lead_id]: ['属实', '属实待整改'], // still present, found true, not put right
    [byRule('large_cash')[0].lead_id]: ['不属实', '有审批'],
    [byRule('shared_account')[0].lead_id]: ['核查中', ''],
  };

  // team A: the 线索清单 sheet through SheetJS, sorted by 对象名称, only its own leads kept, an extra column
  const wb = XLSX.readFile(join(run1, 'leads.xlsx'), { cellDates: true });
  const rows = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets['线索清单'], { header: 1, defval: null, raw: true });
  const head = rows[0] as string[];
  const col = (h: string) => head.indexOf(h);
  const teamA = new Set([vehicle.lead_id, byRule('dibao_vehicle')[1].lead_id, byRule('large_cash')[0].lead_id]);
  const aRows = rows
    .slice(1)
    .filter((r) => teamA.has(String(r[0])) || String(r[col('规则编号')]).startsWith('dibao'))
    .sort((x, y) => String(x[col('对象名称')]).localeCompare(String(y[col('对象名称')])))
    .map((r) => {
      const t = typed[String(r[0])];
      const out = [...r, '甲组'];
      if (t && teamA.has(String(r[0]))) [out[col('核查状态')], out[col('核查结果')], out[col('核查人')], out[col('核查日期')]] = [t[0], t[1], '甲组', new Date(Date.UTC(2024, 3, 1))];
      return out;
    });
  const a = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(a, XLSX.utils.aoa_to_sheet([[...head, '组别'], ...aRows], { cellDates: true }), '甲组');
  const fileA = join(base, '甲组核查表.xlsx');
  XLSX.writeFile(a, fileA);
  // team B: a GBK CSV with the columns they need
  const rest = Object.entries(typed).filter(([id]) => !teamA.has(id));
  const fileB = join(base, '乙组核查表.csv');
  writeFileSync(fileB, iconv.encode(['线索编号,核查状态,核查结果,核查人', ...rest.map(([id, [s, r]]) => `${id},${s},${r},乙组`)].join('\r\n'), 'gb18030'));

  const rv = xuncha(['review', run1, fileA, fileB, '--quiet']);
  expect(rv.err + rv.out).not.toContain('internal error');
  expect(rv.code).toBe(0);
  const again = xuncha(['review', run1, fileA, fileB, '--quiet']);
  expect(again.code).toBe(0);
  expect(again.out).toContain('新增或变更/new or changed: 0');

  // the rewritten working paper carries the statuses; a value typed into it and not imported stops `report`
  const paper = XLSX.readFile(join(run1, 'leads.xlsx'));
  const pRows = XLSX.utils.sheet_to_json<unknown[]>(paper.Sheets['线索清单'], { header: 1, defval: null });
  for (const [id, [s]] of Object.entries(typed)) expect(pRows.find((r) => r[0] === id)![col('核查状态')], id).toBe(s);
  const untyped = pRows.findIndex((r, i) => i > 0 && !typed[String(r[0])]);
  const keepId = String(pRows[untyped][0]);
  paper.Sheets['线索清单'][XLSX.utils.encode_cell({ r: untyped, c: col('核查状态') })] = { t: 's', v: '部分属实' };
  XLSX.writeFile(paper, join(run1, 'leads.xlsx'));
  const typedBytes = readFileSync(join(run1, 'leads.xlsx'));
  const rep = xuncha(['report', run1]);
  expect(rep.code).toBe(1);
  expect(rep.err).toContain('review.unimported_work');
  expect(rep.err).toContain('xuncha review');
  expect(readFileSync(join(run1, 'leads.xlsx')).equals(typedBytes)).toBe(true);
  expect(xuncha(['review', run1, join(run1, 'leads.xlsx'), '--quiet']).code).toBe(0);
  typed[keepId] = ['部分属实', ''];
  expect(xuncha(['report', run1, '--quiet']).code).toBe(0);
  const html1 = readFileSync(join(run1, 'report.html'), 'utf8');
  expect(html1).toContain('核查进度');
  expect(html1).toContain('车辆属实，责令整改');

  // the county changes: the vehicle sold and the dead person's payments stopped; a new car for another member
  const county2 = join(base, 'county2');
  cpSync(county, county2, { recursive: true });
  const vfile = join(county2, '机动车登记_城区.csv');
  const vtext = readFileSync(vfile, 'utf8');
  expect(vtext).toContain(vehicle.subject_key);
  const db1 = await Db.open(join(run1, 'xuncha.duckdb'));
  const fresh = (
    await db1.all<{ id: string; name: string }>(
      `select id_number as id, any_value(name) as name from dibao where id_valid and end_date is null
       and id_number not in (select subject_key from leads) and id_number not in (select id_number from vehicle where id_number is not null)
       and household_id not in (select household_key from leads where household_key is not null)
       group by id_number order by id_number limit 1`,
    )
  )[0];
  db1.close();
  writeFileSync(vfile, vtext.split('\n').filter((l) => !l.includes(vehicle.subject_key)).join('\n').replace(/\n?$/, '\n') + `${fresh.name},${fresh.id},苏JZ9999,小型轿车,大众牌FV7152,2015/1/5,正常,\n`);
  const dfile = join(county2, '殡葬火化信息.csv');
  const dtext = iconv.decode(readFileSync(dfile), 'gb18030');
  expect(dtext).toContain(dead.subject_key);
  writeFileSync(dfile, iconv.encode(dtext.split('\n').filter((l) => !l.includes(dead.subject_key)).join('\n'), 'gb18030'));

  const run2 = join(base, 'run2');
  const r2 = xuncha(['run', join(county2, 'pipeline.yaml'), '--out', run2, '--previous', run1, '--quiet']);
  expect(r2.err + r2.out).not.toContain('internal error');
  expect(r2.code).toBe(0);
  const leads2 = readCsv(join(run2, 'leads.csv'));

  // independently: followup from the two lead lists and the typed statuses
  const prevIds = new Map(leads1.map((l) => [l.lead_id, l]));
  const curIds = new Map(leads2.map((l) => [l.lead_id, l]));
  const expected = new Map<string, { previous_status: string; in_previous: string; in_current: string; followup: string }>();
  for (const id of new Set([...prevIds.keys(), ...curIds.keys()])) {
    const p = prevIds.has(id);
    const c = curIds.has(id);
    const ps = p ? (typed[id]?.[0] ?? '未核查') : '';
    expected.set(id, { previous_status: ps, in_previous: String(p), in_current: String(c), followup: !p ? '新发现' : !c ? '已消失' : ps === '已整改' ? '整改不到位' : '仍存在' });
  }
  const fu = readCsv(join(run2, 'followup.csv'));
  expect(readFileSync(join(run2, 'followup.csv')).subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
  expect(Object.keys(fu[0])).toEqual(['lead_id', 'rule_id', 'subject_key', 'previous_status', 'in_previous', 'in_current', 'followup']);
  expect(new Map(fu.map((r) => [r.lead_id, { previous_status: r.previous_status, in_previous: r.in_previous, in_current: r.in_current, followup: r.followup }]))).toEqual(expected);
  const newId = leadId('dibao_vehicle', fresh.id);
  expect(expected.get(newId)?.followup).toBe('新发现');
  expect(expected.get(vehicle.lead_id)?.followup).toBe('已消失');
  expect(expected.get(dead.lead_id)?.followup).toBe('已消失');
  expect(expected.get(byRule('deceased_payment')[1].lead_id)?.followup).toBe('整改不到位');
  expect(fu[0].followup).toBe('整改不到位');

  // carried statuses: stored in the new run's reviews with the earlier folder as source, and in the working paper
  const db2 = await Db.open(join(run2, 'xuncha.duckdb'));
  const carried = await db2.all<{ lead_id: string; status: string; result: string | null; source_file: string; source_row: number | null }>(
    `select lead_id, status, result, source_file, source_row from reviews order by lead_id`,
  );
  db2.close();
  const expectCarried = Object.entries(typed)
    .filter(([id]) => curIds.has(id))
    .map(([id, [s, r]]) => ({ lead_id: id, status: s, result: r || null, source_file: run1, source_row: null }))
    .sort((x, y) => (x.lead_id < y.lead_id ? -1 : 1));
  expect(carried).toEqual(expectCarried);
  const p2 = XLSX.readFile(join(run2, 'leads.xlsx'));
  const p2rows = XLSX.utils.sheet_to_json<unknown[]>(p2.Sheets['线索清单'], { header: 1, defval: null });
  expect(p2rows[0]).toContain('回头看');
  expect(p2rows[1][0]).toBe(byRule('deceased_payment')[1].lead_id); // 整改不到位 ranked first
  expect(p2rows[1][(p2rows[0] as string[]).indexOf('核查状态')]).toBe('已整改');
  expect(p2rows[1][(p2rows[0] as string[]).indexOf('回头看')]).toBe('整改不到位');

  // 整改率: of the earlier leads found 属实/部分属实/已整改, the share gone now
  const foundTrue = Object.entries(typed).filter(([, [s]]) => ['属实', '部分属实', '已整改'].includes(s)).map(([id]) => id);
  const gone = foundTrue.filter((id) => !curIds.has(id));
  expect(gone.sort()).toEqual([vehicle.lead_id, dead.lead_id].sort());
  const rate = `${((100 * gone.length) / foundTrue.length).toFixed(1)}%`;
  const html2 = readFileSync(join(run2, 'report.html'), 'utf8');
  const section = html2.slice(html2.indexOf('<section id="followup">'), html2.indexOf('</section>', html2.indexOf('<section id="followup">')));
  expect(section).toContain(`<div class="kpi-v">${rate}</div><div class="kpi-l">整改率</div>`);
  expect(section).toContain(`${gone.length} / ${foundTrue.length}`);
  expect(section).toContain('<div class="kpi-v">1</div><div class="kpi-l">新发现</div>');
  expect(section).toContain(`<div class="kpi-v">${[...expected.values()].filter((e) => e.followup === '整改不到位').length}</div><div class="kpi-l">整改不到位</div>`);
  // the run folder of run1 is now protected too: re-running into it would replace imported reviews
  const over = xuncha(['run', join(county2, 'pipeline.yaml'), '--out', run1, '--quiet']);
  expect(over.code).toBe(1);
  expect(over.err).toContain('run.would_lose_reviews');
}, 600_000);
