/** Notebooks: parsing, the small Markdown renderer, the shipped notebooks against a fixture run, broken notebooks. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderNotebook } from '../../src/notebook/render-notebook.js';
import { parseNotebook } from '../../src/notebook/parse-notebook.js';
import { renderMarkdown, renderInline } from '../../src/notebook/markdown.js';
import { UserError } from '../../src/errors.js';
import { buildFixtureDb } from '../report/fixture-db.js';

const NOTEBOOK_DIR = resolve('notebooks');

let dir: string;
let dbFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xuncha-notebook-'));
  dbFile = join(dir, 'xuncha.duckdb');
  await buildFixtureDb(dbFile, { leads: 200 });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chartsOf(html: string): { name: string; spec: { data: { values: unknown[] } } }[] {
  return JSON.parse(html.match(/<script type="application\/json" id="xc-charts">([^<]*)<\/script>/)![1]);
}

async function renderText(md: string, name = 'nb.md'): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, md);
  const out = join(dir, name.replace(/\.md$/, '.html'));
  await renderNotebook(file, dbFile, out);
  return readFileSync(out, 'utf8');
}

async function errorOf(md: string, name = 'broken.md'): Promise<UserError> {
  try {
    await renderText(md, name);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected the notebook to fail');
}

describe('parseNotebook', () => {
  it('splits prose, named sql blocks, vega-lite blocks and other code with line numbers', () => {
    const blocks = parseNotebook('# T\n\ntext\n\n```sql q1\nselect 1\n```\n\n```vega-lite\n{}\n```\n```js\nx\n```\n');
    expect(blocks.map((b) => b.kind)).toEqual(['markdown', 'sql', 'vega-lite', 'code']);
    expect(blocks[1]).toMatchObject({ kind: 'sql', name: 'q1', sql: 'select 1', line: 5 });
    expect(blocks[2]).toMatchObject({ kind: 'vega-lite', line: 9 });
  });
});

describe('markdown renderer', () => {
  it('renders headings, lists, bold, code and links as text', () => {
    const html = renderMarkdown('## 标题\n\n- 一 **粗**\n- 二 `a<b`\n\n1. x\n2. y\n\n见 [文档](https://example.org/x) 说明\n\n> 引用');
    expect(html).toContain('<h2>标题</h2>');
    expect(html).toContain('<ul><li>一 <strong>粗</strong></li><li>二 <code>a&lt;b</code></li></ul>');
    expect(html).toContain('<ol><li>x</li><li>y</li></ol>');
    expect(html).toContain('<p>见 文档（https://example.org/x） 说明</p>');
    expect(html).not.toContain('<a ');
    expect(html).toContain('<blockquote>');
  });
  it('escapes raw HTML', () => {
    expect(renderInline('<script>alert(1)</script> <img src=x onerror=alert(1)>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(renderInline('[x](javascript:alert(1))')).not.toMatch(/<a|href/);
  });
});

describe('shipped notebooks', () => {
  const files = readdirSync(NOTEBOOK_DIR).filter((f) => f.endsWith('.md'));
  it('there are at least three', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });
  for (const f of files) {
    it(`${f} renders against a run database with all its charts`, async () => {
      const out = join(dir, f.replace(/\.md$/, '.html'));
      await renderNotebook(join(NOTEBOOK_DIR, f), dbFile, out);
      const html = readFileSync(out, 'utf8');
      const blocks = parseNotebook(readFileSync(join(NOTEBOOK_DIR, f), 'utf8'));
      const nCharts = blocks.filter((b) => b.kind === 'vega-lite').length;
      expect(nCharts).toBeGreaterThan(0);
      const charts = chartsOf(html);
      expect(charts).toHaveLength(nCharts);
      for (const c of charts) expect(c.spec.data.values.length, `${f} ${c.name}`).toBeGreaterThan(0);
      expect(html.match(/data-chart="nb-chart-\d+"/g)).toHaveLength(nCharts);
      expect(html.includes('content="default-src &#39;none&#39;')).toBe(true);
      expect(html.includes('vegaEmbed')).toBe(true);
      expect(/<script[^>]+src=/i.test(html)).toBe(false);
      // every named query shows a result table
      for (const b of blocks) if (b.kind === 'sql') expect(html.includes(`data-query="${b.name}"`), b.name).toBe(true);
    });
  }
});

describe('notebook content is escaped and the database is read-only', () => {
  it('escapes values from the data and prose', async () => {
    const html = await renderText(
      "# 测试 <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n```sql q\nselect '<svg onload=alert(1)>' as x, '320922195003151234' as id, 1.5 as n\n```\n\n```vega-lite\n{\"data\": {\"name\": \"q\"}, \"mark\": \"bar\", \"encoding\": {\"x\": {\"field\": \"x\"}, \"y\": {\"field\": \"n\", \"type\": \"quantitative\"}}}\n```\n",
      'escape.md',
    );
    expect(/<script>alert|<img src=x|<svg onload/.test(html)).toBe(false);
    expect(html.includes('&lt;svg onload=alert(1)&gt;')).toBe(true);
    expect(html.includes('&lt;img src=x onerror=alert(1)&gt;')).toBe(true);
    expect(html.includes('320922********1234')).toBe(true);
    expect(html.includes('320922195003151234')).toBe(false);
    expect(chartsOf(html)[0].spec.data.values).toEqual([{ x: '<svg onload=alert(1)>', id: '320922********1234', n: 1.5 }]);
  });

  it('cannot read files: notebook SQL runs in the rule sandbox', async () => {
    for (const q of ["select * from read_text('/etc/hostname')", "select * from read_csv('/etc/passwd')", "select * from glob('/root/*')"]) {
      const e = await errorOf('```sql peek\n' + q + '\n```\n', 'peek.md');
      expect(e.diagnostics[0].code).toBe('notebook.sql_error');
      expect(e.message).toMatch(/disabled by configuration|Permission/);
    }
  });

  it('cannot change the database', async () => {
    const e = await errorOf('```sql wipe\ndelete from leads\n```\n', 'wipe.md');
    expect(e.diagnostics[0].code).toBe('notebook.sql_error');
    expect(e.message).toMatch(/read-only|read only/i);
  });
});

describe('broken notebooks give an error naming the block', () => {
  it('unknown data name', async () => {
    const e = await errorOf('# x\n\n```sql q1\nselect 1 as a\n```\n\n```vega-lite\n{"data": {"name": "q2"}, "mark": "bar"}\n```\n');
    expect(e.diagnostics[0]).toMatchObject({ code: 'notebook.unknown_data', at: { line: 7, key: 'q2' } });
    expect(e.message).toContain('broken.md line 7');
    expect(e.message).toContain('"q2"');
    expect(e.message).toContain('Known: q1');
  });
  it('a chart referring to a later query', async () => {
    const e = await errorOf('```vega-lite\n{"data": {"name": "later"}, "mark": "bar"}\n```\n\n```sql later\nselect 1\n```\n');
    expect(e.diagnostics[0].code).toBe('notebook.unknown_data');
  });
  it('SQL error', async () => {
    const e = await errorOf('# x\n\n```sql totals\nselect no_such_column from leads\n```\n');
    expect(e.diagnostics[0]).toMatchObject({ code: 'notebook.sql_error', at: { line: 3, key: 'totals' } });
    expect(e.message).toContain('query "totals" failed');
    expect(e.message).toContain('no_such_column');
    expect(e.diagnostics[0].zh).toContain('"totals"');
  });
  it('invalid chart JSON', async () => {
    const e = await errorOf('```sql q\nselect 1 as a\n```\n```vega-lite\n{"data": {"name": "q"},}\n```\n');
    expect(e.diagnostics[0]).toMatchObject({ code: 'notebook.bad_chart', at: { line: 4 } });
  });
  it('duplicate query names', async () => {
    const e = await errorOf('```sql q\nselect 1\n```\n```sql q\nselect 2\n```\n');
    expect(e.diagnostics[0].code).toBe('notebook.duplicate_name');
  });
  it('missing database', async () => {
    const file = join(dir, 'ok.md');
    writeFileSync(file, '# ok\n');
    await expect(renderNotebook(file, join(dir, 'nope.duckdb'), join(dir, 'ok.html'))).rejects.toMatchObject({ diagnostics: [{ code: 'notebook.db_not_found' }] });
  });
});
