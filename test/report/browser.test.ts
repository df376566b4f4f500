/**
 * report.html in a real browser (Debian's /usr/bin/chromium driven by playwright-core; never downloaded):
 * charts render, no request leaves the page, search/filters/sort/pagination/evidence work, IDs are masked by
 * default, and several hundred XSS payloads planted in every user-visible field stay inert text.
 * One browser launch for the whole file. Writes test-results/report.png (a demo-like report) for a human look.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Db } from '../../src/db/connection.js';
import { buildReport } from '../../src/report/build-report.js';
import { renderNotebook } from '../../src/notebook/render-notebook.js';
import { buildFixtureDb, KNOWN, loadXssSample } from './fixture-db.js';
import { ensureReviewTables, FOLLOWUP_DDL } from '../../src/review/model.js';
import { external } from '../external.js';

const CHROMIUM = '/usr/bin/chromium';
const XSS_DIR = external('xss-payloads');
const XSS_FILES = ['PATT_RSNAKE_XSS.txt', 'PATT_XSS_Polyglots.txt', 'PATT_BRUTELOGIC-XSS-STRINGS.txt', 'PATT_IntrudersXSS.txt', 'payloadbox_xss-payload-list.txt'];
/** Our own payloads: if any of them runs, it sets a global canary instead of (or besides) opening a dialog. */
const CANARY_PAYLOADS = [
  '<img src=x onerror="window.__xssCanary=1">',
  '</script><script>window.__xssCanary=2</script>',
  '"><svg onload=window.__xssCanary=3>',
  "'><iframe srcdoc=\"<script>parent.__xssCanary=4</script>\">",
  '<style>body{display:none}</style><b onmouseover=window.__xssCanary=5>hover</b>',
  '\u2028</script><!--<script>window.__xssCanary=6//',
  '{"a":"</script><script>window.__xssCanary=7</script>"}',
  'javascript:window.__xssCanary=8',
];

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The report browser tests need it: run \`apt-get install -y chromium fonts-wqy-microhei\` ` +
        '(CI installs it). Never run `npx playwright install`.',
    );
  }
}

let dir: string;
let browser: Browser;
const files = { masked: '', unmasked: '', xss: '', demo: '', reviewed: '' };
let xssPayloads: string[] = [];

async function build(name: string, opts: Parameters<typeof buildFixtureDb>[1], maskIds: boolean): Promise<string> {
  const dbFile = join(dir, `${name}.duckdb`);
  await buildFixtureDb(dbFile, opts);
  const db = await Db.open(dbFile);
  try {
    const out = join(dir, `${name}.html`);
    await buildReport(db, out, { maskIds });
    return out;
  } finally {
    db.close();
  }
}

/** A run with imported 核查 results (one carrying attack strings) and a 回头看 comparison. */
async function buildReviewed(): Promise<string> {
  const dbFile = join(dir, 'reviewed.duckdb');
  await buildFixtureDb(dbFile, { leads: 300, seed: 5 });
  const db = await Db.open(dbFile);
  try {
    await ensureReviewTables(db);
    const ids = (await db.all<{ lead_id: string; name: string }>(`select lead_id, subject_name as name from leads order by score desc, lead_id limit 40`)).map((r) => r);
    const known = await db.scalar<string>(`select lead_id from leads where subject_name = $n limit 1`, { n: KNOWN.name });
    const statuses = ['属实', '不属实', '已整改', '核查中', '部分属实'];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i].lead_id === known) continue;
      await db.run(`insert into reviews values ($id, $s, '核查结果' || $i, '核查人', DATE '2024-03-05', '一组.xlsx[线索清单]', $row::INTEGER, TIMESTAMP '2024-03-06 00:00:00')`, {
        id: ids[i].lead_id, s: statuses[i % 5], i: String(i), row: String(i + 2),
      });
    }
    await db.run(`insert into reviews values ($id, '属实', $r, $p, DATE '2024-03-05', '二组.csv', 7, TIMESTAMP '2024-03-06 00:00:00')`, {
      id: known!, r: REVIEW_XSS, p: '<b onmouseover=window.__xssCanary=12>核查人</b>',
    });
    await db.run(FOLLOWUP_DDL);
    await db.run(`insert into followup select lead_id, rule_id, subject_key, '已整改', true, true, '整改不到位', rule_name, town, village, unit, '/runs/2023'
                  from leads where lead_id = $id`, { id: known! });
    await db.run(`insert into followup values ('0000000000000001', 'dibao_vehicle', 'x', '属实', true, false, '已消失', '低保家庭成员名下有机动车', '八巨镇', '八巨村', NULL, '/runs/2023')`);
    const out = join(dir, 'reviewed.html');
    await buildReport(db, out, { maskIds: true });
    return out;
  } finally {
    db.close();
  }
}
const REVIEW_XSS = '<img src=x onerror="window.__xssCanary=11">属实，已追回';

interface Opened {
  context: BrowserContext;
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

async function open(file: string, viewport = { width: 1400, height: 900 }, isReport = true): Promise<Opened> {
  const context = await browser.newContext({ viewport });
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  const url = pathToFileURL(file).href;
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requests.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  if (isReport) await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
  await page.waitForSelector('body[data-charts]', { timeout: 30_000 });
  return { context, page, requests, dialogs, errors };
}

const countText = (p: Page) => p.textContent('#count');
const countOf = async (p: Page) => Number(((await countText(p)) ?? '').match(/符合条件 ([\d,]+) 条/)?.[1].replace(/,/g, '') ?? NaN);

async function dbCount(sql: string, params?: Record<string, string>): Promise<number> {
  const db = await Db.open(join(dir, 'masked.duckdb'));
  try {
    return Number(await db.scalar(sql, params));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  requireChromium();
  dir = mkdtempSync(join(tmpdir(), 'xuncha-report-'));
  xssPayloads = [...loadXssSample((f) => readFileSync(join(XSS_DIR, f), 'utf8'), XSS_FILES, 90), ...CANARY_PAYLOADS];
  files.masked = await build('masked', { leads: 300 }, true);
  files.unmasked = await build('unmasked', { leads: 300 }, false);
  files.xss = await build('xss', { leads: 1200, xss: xssPayloads, seed: 3 }, true);
  files.demo = await build('demo', { leads: 1000, seed: 11 }, true);
  files.reviewed = await buildReviewed();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('report.html in Chromium', { timeout: 90_000 }, () => {
  it('renders every chart with marks and makes no request at all', async () => {
    const o = await open(files.masked);
    try {
      const charts = await o.page.$$eval('[data-chart]', (els) =>
        els.map((e) => ({ name: e.getAttribute('data-chart'), marks: e.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-symbol path').length })),
      );
      expect(charts.map((c) => c.name).sort()).toEqual(
        ['amount_by_rule', 'benford', 'expense_month', 'leads_by_category', 'leads_by_place', 'leads_by_rule', 'leads_by_severity', 'payments_after_death'].sort(),
      );
      for (const c of charts) expect(c.marks, `chart ${c.name} has marks`).toBeGreaterThan(0);
      expect(await o.page.getAttribute('body', 'data-charts')).toBe('8/8');
      expect(o.requests).toEqual([]);
      expect(await o.page.evaluate(() => performance.getEntriesByType('resource').length)).toBe(0);
      expect(o.errors).toEqual([]);
      // Chinese text renders with the CJK font stack (no web fonts requested)
      expect(await o.page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('WenQuanYi Micro Hei');
    } finally {
      await o.context.close();
    }
  });

  it('search finds names, pinyin initials and ID tails; filters narrow the table as the database says', async () => {
    const o = await open(files.masked);
    const p = o.page;
    try {
      expect(await countOf(p)).toBe(300);
      await p.fill('#q', KNOWN.name);
      await p.waitForFunction((n) => document.querySelector('#lead-body tr.lead td.name')?.textContent === n, KNOWN.name);
      expect(await p.textContent('#lead-body tr.lead td.name')).toBe(KNOWN.name);

      await p.fill('#q', 'oynn'); // 欧阳娜娜
      await p.waitForFunction((n) => [...document.querySelectorAll('#lead-body td.name')].some((td) => td.textContent === n), KNOWN.name);

      await p.fill('#q', '欧阳娜拿'); // a typo: no literal match, fuse.js finds it
      await p.waitForFunction((n) => [...document.querySelectorAll('#lead-body td.name')].some((td) => td.textContent === n), KNOWN.name);

      await p.fill('#q', KNOWN.id.slice(-4));
      await p.waitForFunction((k) => [...document.querySelectorAll('#lead-body td.key')].some((td) => td.textContent === k), KNOWN.masked);
      const keys = await p.$$eval('#lead-body td.key', (tds) => tds.map((t) => t.textContent ?? ''));
      const descs = await p.$$eval('#lead-body td.desc', (tds) => tds.map((t) => t.textContent ?? ''));
      keys.forEach((k, n) => expect(k.includes('1234') || descs[n].includes('1234')).toBe(true));

      await p.click('#reset');
      await p.waitForFunction(() => /符合条件 300 条/.test(document.querySelector('#count')?.textContent ?? ''));

      const cases: [string, { label: string }, string, Record<string, string>, string][] = [
        ['#f-category', { label: '财务' }, `select count(*) from leads where category = 'finance'`, {}, 'td.rule'],
        ['#f-rule', { label: KNOWN.ruleName }, `select count(*) from leads where rule_id = $r`, { r: KNOWN.ruleId }, 'td.rule'],
        ['#f-severity', { label: '高' }, `select count(*) from leads where severity = 'high'`, {}, 'td .sev'],
        ['#f-town', { label: KNOWN.town }, `select count(*) from leads where town = $t`, { t: KNOWN.town }, 'td.place'],
        ['#f-village', { label: KNOWN.village }, `select count(*) from leads where village = $v`, { v: KNOWN.village }, 'td.place'],
        ['#f-unit', { label: '滨海县民政局' }, `select count(*) from leads where unit = $u`, { u: '滨海县民政局' }, 'td.place'],
      ];
      for (const [sel, opt, sql, params, cell] of cases) {
        await p.click('#reset');
        await p.selectOption(sel, opt);
        const expected = await dbCount(sql, params);
        expect(expected).toBeGreaterThan(0);
        await p.waitForFunction((n) => (document.querySelector('#count')?.textContent ?? '').startsWith(`符合条件 ${n.toLocaleString('en-US')} 条`), expected);
        const cells = await p.$$eval(`#lead-body tr.lead ${cell}`, (els) => els.map((e) => e.textContent ?? ''));
        expect(cells.length).toBe(Math.min(50, expected));
        const want = sel === '#f-category' ? null : sel === '#f-rule' ? KNOWN.ruleName : opt.label;
        if (want) for (const c of cells) expect(c).toContain(want);
      }
      // filters combine with search
      await p.click('#reset');
      await p.selectOption('#f-town', { label: KNOWN.town });
      await p.fill('#q', KNOWN.name);
      await p.waitForFunction(() => (document.querySelector('#count')?.textContent ?? '').startsWith('符合条件 1 条'));
      await p.selectOption('#f-category', { label: '财务' });
      await p.waitForFunction(() => (document.querySelector('#count')?.textContent ?? '').startsWith('符合条件 0 条'));
      expect(o.dialogs).toEqual([]);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it('sorts by a column and pages through the table', async () => {
    const o = await open(files.masked);
    const p = o.page;
    try {
      const maxAmount = await dbCount('select max(amount) from leads');
      await p.click('th[data-sort="amount"]');
      const first = await p.textContent('#lead-body tr.lead td.num:nth-of-type(8)');
      expect(Number(first?.replace(/,/g, ''))).toBeCloseTo(maxAmount, 2);
      expect(await p.textContent('#page-info')).toBe('第 1 / 6 页');
      const firstId = await p.getAttribute('#lead-body tr.lead', 'data-i');
      await p.click('#next');
      expect(await p.textContent('#page-info')).toBe('第 2 / 6 页');
      expect(await p.getAttribute('#lead-body tr.lead', 'data-i')).not.toBe(firstId);
      await p.click('#last');
      expect(await p.textContent('#page-info')).toBe('第 6 / 6 页');
      expect(await p.$$eval('#lead-body tr.lead', (r) => r.length)).toBe(50);
      await p.selectOption('#page-size', '100');
      expect(await p.textContent('#page-info')).toBe('第 1 / 3 页');
    } finally {
      await o.context.close();
    }
  });

  it("opens a lead to its evidence rows with source file, row number and fields", async () => {
    const o = await open(files.masked);
    const p = o.page;
    try {
      await p.fill('#q', KNOWN.name);
      await p.waitForFunction((n) => document.querySelector('#lead-body tr.lead td.name')?.textContent === n, KNOWN.name);
      expect(await p.$$eval('#lead-body tr.detail', (r) => r.length)).toBe(0); // evidence is rendered lazily
      await p.click('#lead-body tr.lead');
      const detail = await p.textContent('#lead-body tr.detail');
      expect(detail).toContain(KNOWN.sourceFile);
      const rows = await p.$$eval('#lead-body tr.detail table.ev-fields tbody tr', (trs) =>
        trs.map((tr) => ({ file: tr.querySelector('.ev-file')?.textContent, row: tr.querySelector('.ev-row')?.textContent })),
      );
      expect(rows).toContainEqual({ file: KNOWN.sourceFile, row: String(KNOWN.sourceRow) });
      expect(detail).toContain('姓名');
      expect(detail).toContain('补贴项目');
      expect(detail).toContain(KNOWN.masked);
      expect(detail).not.toContain(KNOWN.id);
      await p.click('#lead-body tr.lead');
      expect(await p.$$eval('#lead-body tr.detail', (r) => r.length)).toBe(0);
    } finally {
      await o.context.close();
    }
  });

  it('masks ID numbers by default and shows them with maskIds false', async () => {
    const masked = readFileSync(files.masked, 'utf8');
    const unmasked = readFileSync(files.unmasked, 'utf8');
    expect(masked).not.toContain(KNOWN.id);
    expect(masked).toContain(KNOWN.masked);
    expect(masked).not.toMatch(/(?<![0-9.])320922\d{11}[0-9X](?![0-9])/);
    expect(unmasked).toContain(KNOWN.id);
    const o = await open(files.unmasked);
    try {
      await o.page.fill('#q', KNOWN.name);
      await o.page.waitForFunction((k) => document.querySelector('#lead-body tr.lead td.key')?.textContent === k, KNOWN.id);
    } finally {
      await o.context.close();
    }
  });

  it('keeps several hundred planted XSS payloads inert and shows them as text', async () => {
    expect(xssPayloads.length).toBeGreaterThan(300);
    const html = readFileSync(files.xss, 'utf8');
    // no payload containing markup appears unescaped in the file
    for (const x of xssPayloads) if (x.includes('<') && x.length > 12) expect(html.includes(x), x).toBe(false);
    const o = await open(files.xss);
    const p = o.page;
    try {
      // interact: every page of the first 400 leads, open every lead's evidence, hover charts
      for (let page = 0; page < 4; page++) {
        await p.$$eval('#lead-body tr.lead', (rows) => rows.forEach((r) => (r as HTMLElement).click()));
        if (page < 3) await p.click('#next');
      }
      await p.selectOption('#page-size', '500');
      for (const box of (await p.$$('[data-chart] svg .mark-rect path')).slice(0, 40)) await box.hover({ timeout: 1000, force: true }).catch(() => undefined);
      await p.fill('#q', '<script>');
      await p.waitForTimeout(300);
      await p.fill('#q', '');
      await p.waitForTimeout(300);

      const report = await p.evaluate(() => {
        const all = [...document.querySelectorAll('*')];
        const handlerAttrs = all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName}@${a.name}`));
        const jsUrls = all.flatMap((e) => [...e.attributes].filter((a) => /^\s*javascript:/i.test(a.value)).map((a) => `${e.tagName}@${a.name}`));
        const scripts = [...document.querySelectorAll('script')];
        return {
          canary: (window as unknown as { __xssCanary?: unknown }).__xssCanary ?? null,
          handlerAttrs,
          jsUrls,
          foreign: [...document.querySelectorAll('img, iframe, object, embed, frame, frameset, video, audio, base, form:not(.vega-bindings), form.vega-bindings > *, link, svg foreignObject, svg script, math, marquee, meta[http-equiv="refresh"]')].map((e) => e.outerHTML.slice(0, 200)),
          scriptsWithSrc: scripts.filter((s) => s.src).length,
          unexpectedScripts: scripts.filter((s) => s.type && s.type !== 'application/json').length,
          jsonBlocksNotOurs: scripts.filter((s) => s.type === 'application/json' && !/^xc-/.test(s.id)).length,
          metaCount: document.querySelectorAll('meta').length,
          tableText: document.querySelector('#lead-body')?.textContent ?? '',
          summaryText: document.querySelector('#summary')?.textContent ?? '',
          methodText: document.querySelector('#method')?.textContent ?? '',
          chartText: [...document.querySelectorAll('[data-chart] svg text')].map((t) => t.textContent).join('\n'),
        };
      });
      expect(o.dialogs).toEqual([]);
      expect(report.canary).toBeNull();
      expect(report.handlerAttrs).toEqual([]);
      expect(report.jsUrls).toEqual([]);
      expect(report.foreign).toEqual([]);
      expect(report.scriptsWithSrc).toBe(0);
      expect(report.unexpectedScripts).toBe(0);
      expect(report.jsonBlocksNotOurs).toBe(0);
      expect(report.metaCount).toBe(4); // charset, CSP, viewport, referrer — all ours
      expect(o.requests).toEqual([]);
      // the payloads are visible as literal text
      const shown = xssPayloads.filter((x) => report.tableText.includes(x.trim()) || report.summaryText.includes(x.trim()) || report.methodText.includes(x.trim()));
      expect(shown.length).toBeGreaterThan(100);
      for (const c of CANARY_PAYLOADS.slice(0, 3)) expect(report.tableText.includes(c) || html.includes('__xssCanary')).toBe(true);
    } finally {
      await o.context.close();
    }
  });

  it('renders the shipped notebooks offline with every chart drawn', async () => {
    for (const nb of ['dibao-village-overview', 'payments-after-death', 'unit-voucher-benford']) {
      const out = join(dir, `${nb}.html`);
      await renderNotebook(resolve('notebooks', `${nb}.md`), join(dir, 'masked.duckdb'), out);
      const o = await open(out, undefined, false);
      try {
        const done = await o.page.getAttribute('body', 'data-charts');
        const [rendered, total] = (done ?? '0/0').split('/').map(Number);
        expect(total, nb).toBeGreaterThan(0);
        expect(rendered, nb).toBe(total);
        const marks = await o.page.$$eval('[data-chart]', (els) => els.map((e) => e.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-symbol path').length));
        for (const m of marks) expect(m, nb).toBeGreaterThan(0);
        expect(o.requests).toEqual([]);
        expect(o.errors).toEqual([]);
      } finally {
        await o.context.close();
      }
    }
  });

  it('writes a screenshot of a demo-like report to test-results/report.png', async () => {
    const o = await open(files.demo, { width: 1400, height: 1000 });
    try {
      await o.page.click('#lead-body tr.lead');
      mkdirSync(resolve('test-results'), { recursive: true });
      await o.page.screenshot({ path: resolve('test-results/report.png'), fullPage: true });
      expect(existsSync(resolve('test-results/report.png'))).toBe(true);
      expect(o.errors).toEqual([]);
    } finally {
      await o.context.close();
    }
  });

  it("shows each lead's 核查 status, filters by it, opens its result as inert text, and draws the 核查进度 and 回头看 sections", async () => {
    const o = await open(files.reviewed);
    const p = o.page;
    try {
      expect(await p.getAttribute('body', 'data-charts')).toBe('10/10');
      for (const c of ['review_by_place', 'review_by_rule']) expect(await p.$$eval(`[data-chart="${c}"] svg .mark-rect path`, (e) => e.length), c).toBeGreaterThan(0);
      const db = await Db.open(join(dir, 'reviewed.duckdb'));
      const counts = Object.fromEntries((await db.all<{ status: string; n: string }>(`select status, count(*) as n from lead_status group by all`)).map((r) => [r.status, Number(r.n)]));
      db.close();
      for (const s of ['属实', '已整改', '未核查']) {
        await p.click('#reset');
        await p.selectOption('#f-status', { label: s });
        await p.waitForFunction((n) => (document.querySelector('#count')?.textContent ?? '').startsWith(`符合条件 ${n} 条`), counts[s]);
        const shown = await p.$$eval('#lead-body tr.lead td.status .st', (e) => e.map((x) => x.textContent));
        expect(shown.length).toBe(Math.min(50, counts[s]));
        for (const x of shown) expect(x).toBe(s);
      }
      await p.click('#reset');
      await p.fill('#q', KNOWN.name);
      await p.waitForFunction((n) => document.querySelector('#lead-body tr.lead td.name')?.textContent === n, KNOWN.name);
      expect(await p.textContent('#lead-body tr.lead td.status')).toBe('属实整改不到位');
      await p.click('#lead-body tr.lead');
      const review = await p.textContent('#lead-body tr.detail .ev-review');
      expect(review).toContain(`核查结果：${REVIEW_XSS}`);
      expect(review).toContain('核查人：<b onmouseover=window.__xssCanary=12>核查人</b>');
      expect(review).toContain('来源：二组.csv 第7行');
      await p.hover('#lead-body tr.detail .ev-review');
      expect(await p.evaluate(() => (window as unknown as { __xssCanary?: number }).__xssCanary)).toBeUndefined();
      const fu = await p.textContent('#followup');
      expect(fu).toContain('整改率');
      // earlier leads found true: the 已整改 one still present (整改不到位) and a 属实 one gone → 1 of 2
      expect(fu).toContain('50.0%');
      expect(fu).toContain('1 / 2');
    } finally {
      await o.context.close();
    }
  });
});
