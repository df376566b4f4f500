/** report.html without a browser: masking, escaping, the offline shell, and the chart/query pairs. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../src/db/connection.js';
import { buildReport } from '../../src/report/build-report.js';
import { maskIdsInText, maskDeep } from '../../src/report/mask.js';
import { escapeHtml, jsonForScript, CSP } from '../../src/report/html.js';
import { CHART_SPEC_DIR, REPORT_CHARTS, REPORT_SQL_DIR, loadChartDef } from '../../src/report/charts.js';
import { encodeLeads, pinyinInitials } from '../../src/report/lead-data.js';
import { buildFixtureDb, KNOWN } from './fixture-db.js';

describe('maskIdsInText', () => {
  it('keeps the first 6 and last 4 of 18- and 15-digit IDs', () => {
    expect(maskIdsInText('320922195003151234')).toBe('320922********1234');
    expect(maskIdsInText('身份证号32092219500315123X，')).toBe('身份证号320922********123X，');
    expect(maskIdsInText('320922500315123')).toBe('320922*****5123');
    expect(maskIdsInText('a|320922195003151234|b')).toBe('a|320922********1234|b');
  });
  it('masks bank-card numbers like IDs; leaves decimals and short numbers alone', () => {
    expect(maskIdsInText('6228480012345678901')).toBe('622848*********8901'); // 19-digit bank account (issue 16)
    expect(maskIdsInText('0.029166666666666667')).toBe('0.029166666666666667');
    expect(maskIdsInText('金额 1234.56 元')).toBe('金额 1234.56 元');
  });
  it('masks deeply inside objects and arrays', () => {
    expect(maskDeep({ a: ['320922195003151234'], b: { c: 320922 } })).toEqual({ a: ['320922********1234'], b: { c: 320922 } });
  });
});

describe('escaping', () => {
  it('HTML-escapes the five specials', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('JSON for a script block cannot close the tag or open a comment', () => {
    const s = jsonForScript({ x: '</script><script>alert(1)</script><!-- \u2028 & ]]>' });
    expect(s).not.toMatch(/<|>|&|\u2028/);
    expect(JSON.parse(s)).toEqual({ x: '</script><script>alert(1)</script><!-- \u2028 & ]]>' });
  });
});

describe('pinyin initials', () => {
  it('precomputes initials of the Chinese characters only', () => {
    expect(pinyinInitials('欧阳娜娜')).toBe('oynn');
    expect(pinyinInitials('张三A')).toBe('zs');
    expect(pinyinInitials(null)).toBe('');
  });
});

describe('chart files', () => {
  it('every sql/report query has a same-named Vega-Lite spec and is listed', () => {
    const sql = readdirSync(REPORT_SQL_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
    const specs = readdirSync(CHART_SPEC_DIR).filter((f) => f.endsWith('.vl.json')).map((f) => f.replace(/\.vl\.json$/, '')).sort();
    expect(specs).toEqual(sql);
    expect(REPORT_CHARTS.map((c) => c.name).sort()).toEqual(sql);
    for (const name of sql) {
      const def = loadChartDef(name);
      expect(def.title, name).not.toBe(name);
      expect(def.requires.length, name).toBeGreaterThan(0);
      expect((def.spec.data as { name?: string }).name, name).toBe('table');
    }
  });
});

describe('buildReport', () => {
  let dir: string;
  let html: string;
  let htmlUnmasked: string;
  let bytes: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xuncha-report-unit-'));
    await buildFixtureDb(join(dir, 'r.duckdb'), { leads: 250 });
    const db = await Db.open(join(dir, 'r.duckdb'));
    try {
      ({ bytes } = await buildReport(db, join(dir, 'report.html'), { maskIds: true }));
      await buildReport(db, join(dir, 'open.html'), { maskIds: false, title: '测试<b>标题</b>' });
    } finally {
      db.close();
    }
    html = readFileSync(join(dir, 'report.html'), 'utf8');
    htmlUnmasked = readFileSync(join(dir, 'open.html'), 'utf8');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one self-contained file with a CSP that forbids connections', () => {
    expect(Buffer.byteLength(html)).toBe(bytes);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).not.toContain('unsafe-eval');
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|@font-face|url\(\s*['"]?https?:/i);
    expect(html).not.toContain('sourceMappingURL');
    // vega, vega-lite, vega-embed and fuse.js are inlined
    expect(html).toContain('vegaEmbed');
    expect(html).toContain('window.Fuse=');
  });

  it('shows the run summary, rejects, rules, skipped rules and methodology', () => {
    expect(html).toContain('运行概况');
    expect(html).toContain('data/低保名册.xlsx');
    expect(html).toContain('日期无法识别');
    expect(html).toContain('<code>date.unparseable</code>');
    expect(html).toContain('grain_area_excess');
    expect(html).toContain('缺少数据表：land（承包地）');
    expect(html).toContain('<code>grace_days</code> = 31');
    expect(html).toContain('方法说明');
  });

  it('masks IDs everywhere by default and escapes the title', () => {
    expect(html).not.toContain(KNOWN.id);
    expect(html).toContain(KNOWN.masked);
    expect(htmlUnmasked).toContain(KNOWN.id);
    expect(htmlUnmasked).toContain('<title>测试&lt;b&gt;标题&lt;/b&gt;</title>');
  });

  it('embeds lead data columnar with evidence in lazily parsed chunks; rows form is larger', async () => {
    const main = JSON.parse(html.match(/<script type="application\/json" id="xc-leads">([^<]*)<\/script>/)![1]);
    expect(main.format).toBe('columnar');
    expect(main.n).toBe(250);
    expect(main.cols.id).toHaveLength(250);
    expect(html).toContain('id="xc-ev-0"');
    const db = await Db.open(join(dir, 'r.duckdb'));
    try {
      const { readLeads } = await import('../../src/report/lead-data.js');
      const rows = await readLeads(db);
      const col = encodeLeads(rows, true, 'columnar');
      const plain = encodeLeads(rows, true, 'rows');
      const colSize = JSON.stringify(col.main).length + col.evidenceChunks.reduce((s: number, c) => s + JSON.stringify(c).length, 0);
      expect(colSize).toBeLessThan(JSON.stringify(plain.main).length);
    } finally {
      db.close();
    }
  });

  it('builds from a database that only has leads (no runs, rule_runs, analytics)', async () => {
    const db = await Db.open(':memory:');
    try {
      await db.run(`create table leads (lead_id VARCHAR, rule_id VARCHAR, rule_name VARCHAR, category VARCHAR, severity VARCHAR, score INTEGER,
        town VARCHAR, village VARCHAR, unit VARCHAR, subject_key VARCHAR, subject_name VARCHAR, household_key VARCHAR, amount DECIMAL(18,2),
        period_start DATE, period_end DATE, description VARCHAR, evidence VARCHAR)`);
      await db.run(`insert into leads values ('L1', 'invalid_id', '补贴对象身份证号无效或查无此人', 'phantom_claim', 'low', 10, '城关镇', '东村', null,
        '12345', '<img src=x onerror=alert(1)>', null, 10.5, null, null, 'x', 'not json')`);
      const out = join(dir, 'bare.html');
      await buildReport(db, out, { maskIds: true });
      const text = readFileSync(out, 'utf8');
      expect(text).toContain('数据库中没有运行记录');
      expect(text).not.toContain('<img src=x');
      expect(text).toContain('\\u003cimg src=x onerror=alert(1)\\u003e');
      // a table that exists but breaks the contract loses its chart, not the report
      await db.run('create table analytics_benford (unit VARCHAR, wrong INTEGER)');
      await buildReport(db, out, { maskIds: true });
      expect(readFileSync(out, 'utf8')).toContain('<code>benford</code>');
    } finally {
      db.close();
    }
  });
});
