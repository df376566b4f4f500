/**
 * Measures report.html size and time to interactive for 1,000 and 100,000 leads, columnar (default) vs plain
 * JSON rows. Not a test: run `npx tsx src/report/measure.ts [counts…]` (needs /usr/bin/chromium).
 * Time to interactive = navigation start → the lead table rendered and wired (body[data-ready]); charts are
 * reported separately. Search times include the input debounce (80 ms; 250 ms above 20,000 leads) and the
 * re-render; the first literal search and the first fuzzy search also build their indexes. Opening one lead's
 * evidence is timed too.
 * Uses the synthetic run database of test/report/fixture-db.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { Db } from '../db/connection.js';
import { buildReport } from './build-report.js';
import { buildFixtureDb } from '../../test/report/fixture-db.js';

const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const sizes = counts.length ? counts : [1000, 100_000];
const dir = mkdtempSync(join(tmpdir(), 'xuncha-measure-'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'],
});
const rows: Record<string, string | number>[] = [];
try {
  for (const n of sizes) {
    const dbFile = join(dir, `m${n}.duckdb`);
    let t = Date.now();
    await buildFixtureDb(dbFile, { leads: n, seed: 5 });
    console.error(`fixture ${n} leads: ${Date.now() - t} ms`);
    const db = await Db.open(dbFile);
    for (const encoding of ['columnar', 'rows'] as const) {
      const out = join(dir, `r${n}-${encoding}.html`);
      t = Date.now();
      const { bytes } = await buildReport(db, out, { maskIds: true, encoding });
      const buildMs = Date.now() - t;
      const runs: { tti: number; charts: number; search: number; search2: number; fuzzy: number; evidence: number }[] = [];
      for (let k = 0; k < 3; k++) {
        const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        const page = await ctx.newPage();
        await page.goto(pathToFileURL(out).href, { waitUntil: 'commit' });
        await page.waitForSelector('body[data-ready="1"]', { timeout: 120_000 });
        const tti = await page.evaluate(() => (window as unknown as { xcReadyAt: number }).xcReadyAt);
        await page.waitForSelector('body[data-charts]', { timeout: 120_000 });
        const charts = await page.evaluate(() => performance.now());
        const timeSearch = (text: string) =>
          page.evaluate(async (text) => {
            const q = document.getElementById('q') as HTMLInputElement;
            const before = document.getElementById('count')!.textContent;
            const t0 = performance.now();
            q.value = text;
            q.dispatchEvent(new Event('input'));
            while (document.getElementById('count')!.textContent === before) await new Promise((r) => setTimeout(r, 5));
            return performance.now() - t0;
          }, text);
        const search = await timeSearch('张伟'); // first search also builds the search index
        const search2 = await timeSearch('八巨');
        const fuzzy = await timeSearch('欧阳娜拿'); // no literal hit: fuse.js (builds its index)
        const evidence = await page.evaluate(() => {
          const t0 = performance.now();
          (document.querySelector('#lead-body tr.lead') as HTMLElement)?.click();
          return performance.now() - t0;
        });
        runs.push({ tti, charts, search, search2, fuzzy, evidence });
        await ctx.close();
      }
      const med = (f: (r: (typeof runs)[number]) => number) => runs.map(f).sort((a, b) => a - b)[1];
      rows.push({
        leads: n,
        encoding,
        'size MB': +(bytes / 1e6).toFixed(2),
        'build ms': buildMs,
        'TTI ms': Math.round(med((r) => r.tti)),
        'charts done ms': Math.round(med((r) => r.charts)),
        'first search ms': Math.round(med((r) => r.search)),
        'next search ms': Math.round(med((r) => r.search2)),
        'fuzzy search ms': Math.round(med((r) => r.fuzzy)),
        'open evidence ms': +med((r) => r.evidence).toFixed(1),
      });
      console.error(JSON.stringify(rows[rows.length - 1]));
    }
    db.close();
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.table(rows);
