/**
 * Renders an analyst notebook (SPEC §2.5) to one self-contained HTML page with the report's shell
 * (report/html.ts: same CSS, CSP, inlined Vega, escaping rules). ```sql name blocks run in order against the
 * run database opened READ-ONLY (a notebook can look, never change); ```vega-lite blocks take their rows from
 * the query named in `"data": {"name": …}`. A broken block stops the render with a UserError naming the
 * notebook file, the block's line and the query name.
 *
 * The database is opened directly with DuckDBInstance because db/connection.ts has no read-only mode; the
 * same rules apply (autoinstall off, no parameters pasted — notebook SQL is the analyst's own text). Notebooks are
 * passed between teams like rule packs, so their SQL runs in the same sandbox as rules (db/sandbox.ts): external
 * access off and the configuration locked from the start — a query sees the run database and nothing else.
 */
import { readFileSync, writeFileSync, renameSync, mkdirSync, existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { userError } from '../errors.js';
import { escapeHtml as h, renderPage } from '../report/html.js';
import { finishSpec, VEGA_LOCALE } from '../report/charts.js';
import { maskDeep, maskIdsInText } from '../report/mask.js';
import { parseNotebook } from './parse-notebook.js';
import { renderMarkdown, firstHeading } from './markdown.js';

export interface NotebookOptions {
  /** mask ID numbers in tables and charts (default true, as in the report) */
  maskIds?: boolean;
  /** rows shown per query table (all rows still feed charts); default 200 */
  maxTableRows?: number;
}

interface QueryResult {
  columns: string[];
  numeric: boolean[];
  rows: unknown[][];
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/i;

function cellText(v: unknown): string {
  if (v == null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export async function renderNotebook(mdFile: string, dbFile: string, outFile: string, options: NotebookOptions = {}): Promise<void> {
  const maskIds = options.maskIds !== false;
  const maxRows = options.maxTableRows ?? 200;
  const m = (s: string) => (maskIds ? maskIdsInText(s) : s);
  const nbName = basename(mdFile);
  if (!existsSync(mdFile)) throw userError('notebook.not_found', `找不到笔记本文件 ${mdFile}。`, `Notebook file not found: ${mdFile}`, { file: mdFile });
  if (!existsSync(dbFile))
    throw userError('notebook.db_not_found', `找不到数据库 ${dbFile}。请先运行 xuncha run。`, `Database not found: ${dbFile}. Run \`xuncha run\` first.`, { file: dbFile });
  const text = readFileSync(mdFile, 'utf8');
  const blocks = parseNotebook(text);
  // The first level-1 heading becomes the page header; drop it from the prose so it is not shown twice.
  const firstMd = blocks.find((b) => b.kind === 'markdown');
  if (firstMd && firstMd.kind === 'markdown') firstMd.text = firstMd.text.replace(/^#\s+.*$/m, '');

  const instance = await DuckDBInstance.create(dbFile, {
    access_mode: 'READ_ONLY',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'true',
    enable_external_access: 'false',
    lock_configuration: 'true',
  });
  const con = await instance.connect();
  const results = new Map<string, QueryResult>();
  const body: string[] = [];
  const charts: { name: string; spec: unknown }[] = [];
  try {
    for (const b of blocks) {
      if (b.kind === 'markdown') {
        body.push(renderMarkdown(m(b.text)));
      } else if (b.kind === 'code') {
        body.push(`<pre><code>${h(m(b.text))}</code></pre>`);
      } else if (b.kind === 'sql') {
        if (results.has(b.name))
          throw userError('notebook.duplicate_name', `${nbName} 第 ${b.line} 行：查询名 "${b.name}" 已在前面使用过。`, `${nbName} line ${b.line}: query name "${b.name}" is already used.`, { file: mdFile, line: b.line, key: b.name });
        let res: QueryResult;
        try {
          const reader = await con.runAndReadAll(b.sql);
          const types = reader.columnTypes().map((t) => String(t));
          const rows = reader.getRowsJson() as unknown[][];
          res = { columns: reader.columnNames(), numeric: types.map((t) => NUMERIC_TYPE.test(t)), rows };
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          throw userError(
            'notebook.sql_error',
            `${nbName} 第 ${b.line} 行的查询 "${b.name}" 执行出错：${msg}`,
            `${nbName} line ${b.line}: query "${b.name}" failed: ${msg}`,
            { file: mdFile, line: b.line, key: b.name },
            '检查表名和列名（canonical 表见 src/README.md）；笔记本以只读方式打开数据库，不能修改数据。',
          );
        }
        results.set(b.name, res);
        const shown = res.rows.slice(0, maxRows);
        body.push(
          `<div class="query-name">查询 <code>${h(b.name)}</code> · ${res.rows.length.toLocaleString('en-US')} 行${res.rows.length > maxRows ? `（显示前 ${maxRows} 行）` : ''}</div>`,
          `<details class="query-sql"><summary>SQL</summary><pre><code>${h(m(b.sql))}</code></pre></details>`,
          `<div class="query-result table-wrap"><table class="static" data-query="${h(b.name)}"><thead><tr>${res.columns.map((c) => `<th${res.numeric[res.columns.indexOf(c)] ? ' class="num"' : ''}>${h(c)}</th>`).join('')}</tr></thead><tbody>` +
            shown.map((r) => `<tr>${r.map((v, k) => `<td${res.numeric[k] ? ' class="num"' : ''}>${h(res.numeric[k] ? cellText(v) : m(cellText(v)))}</td>`).join('')}</tr>`).join('') +
            '</tbody></table></div>',
        );
      } else {
        let spec: Record<string, unknown>;
        try {
          spec = JSON.parse(b.source) as Record<string, unknown>;
          if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new Error('not a JSON object');
        } catch (e) {
          throw userError(
            'notebook.bad_chart',
            `${nbName} 第 ${b.line} 行的 vega-lite 块不是有效的 JSON 对象：${e instanceof Error ? e.message : String(e)}`,
            `${nbName} line ${b.line}: the vega-lite block is not a valid JSON object: ${e instanceof Error ? e.message : String(e)}`,
            { file: mdFile, line: b.line },
          );
        }
        const dataName = (spec.data as { name?: unknown } | undefined)?.name;
        const res = typeof dataName === 'string' ? results.get(dataName) : undefined;
        if (!res) {
          const known = [...results.keys()];
          throw userError(
            'notebook.unknown_data',
            `${nbName} 第 ${b.line} 行的 vega-lite 块引用的数据 "${String(dataName ?? '')}" 不是前面的查询名。可用：${known.join(', ') || '（无）'}`,
            `${nbName} line ${b.line}: the vega-lite block's data name "${String(dataName ?? '')}" is not an earlier query. Known: ${known.join(', ') || '(none)'}`,
            { file: mdFile, line: b.line, key: String(dataName ?? '') },
            '写法：{"data": {"name": "前面 ```sql 名称 块的名称"}, …}',
          );
        }
        let values = res.rows.map((r) => {
          const o: Record<string, unknown> = {};
          res.columns.forEach((c, k) => (o[c] = res.numeric[k] && r[k] != null ? Number(r[k]) : r[k]));
          return o;
        });
        if (maskIds) values = maskDeep(values);
        const id = `nb-chart-${charts.length + 1}`;
        charts.push({ name: id, spec: finishSpec(spec, values) });
        body.push(`<figure class="chart-box"><div class="chart" id="${id}" data-chart="${id}"></div></figure>`);
      }
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }

  const title = firstHeading(text) ?? nbName.replace(/\.md$/i, '');
  const html = renderPage({
    title: m(title),
    bodyHtml: [
      `<header class="top"><h1>${h(m(title))}</h1><p class="sub">分析笔记本 · ${h(nbName)} · 数据库 ${h(basename(dbFile))} · 生成于 ${h(new Date().toISOString().slice(0, 19).replace('T', ' '))} UTC${maskIds ? ' · 身份证号已脱敏' : ''}</p></header>`,
      `<main><section class="nb">${body.join('\n')}</section></main>`,
    ].join('\n'),
    jsonBlocks: [
      { id: 'xc-charts', value: charts },
      { id: 'xc-locale', value: VEGA_LOCALE },
    ],
    clientScripts: ['charts.js'],
    withVega: charts.length > 0,
  });
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}`;
  writeFileSync(tmp, html, 'utf8');
  renameSync(tmp, outFile);
}
