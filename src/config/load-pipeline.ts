/**
 * Pipeline file (SPEC §2.2): strict YAML → PipelineConfig. Every problem is collected with its YAML line and
 * reported at once (UserError, exit 1). Paths are relative to the pipeline file; globs expand to sorted files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve, sep } from 'node:path';
import Fuse from 'fuse.js';
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { diag, userError, UserError, type Diagnostic, type DiagnosticLocation } from '../errors.js';
import { CANONICAL_TABLE_NAMES, TABLES, isCanonicalTable, type CanonicalTableName } from '../schema/canonical-tables.js';
import { expandGlob, hasGlob } from './glob.js';
import type { PipelineConfig, SourceSpec } from './types.js';

const sourceSchema = z
  .object({
    path: z.string().min(1),
    encoding: z.enum(['auto', 'utf-8', 'utf8', 'gbk', 'gb18030', 'gb2312']).optional(),
    sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
    header_row: z.number().int().min(1).optional(),
    columns: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const pipelineSchema = z
  .object({
    name: z.string().optional(),
    sources: z.record(z.string(), z.union([sourceSchema, z.array(sourceSchema).min(1)])),
    rules: z
      .object({
        include: z.array(z.string()).optional(),
        exclude: z.array(z.string()).optional(),
        params: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
        custom: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    report: z.object({ title: z.string().optional(), mask_ids: z.boolean().optional() }).strict().optional(),
    output: z.string().optional(),
    previous: z.string().min(1).optional(),
    engine: z
      .object({
        memory_limit: z.string().optional(),
        temp_directory: z.string().optional(),
        threads: z.number().int().min(1).optional(),
        rule_timeout: z.number().positive().optional(),
        max_columns: z.number().int().min(1).optional(),
        max_xlsx_xml_mb: z.number().positive().optional(),
        max_inflate_ratio: z.number().min(1).optional(),
        max_xls_mb: z.number().positive().optional(),
        max_html_xls_mb: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

type RawPipeline = z.infer<typeof pipelineSchema>;

const TYPE_ZH: Record<string, string> = {
  string: '文本',
  number: '数字',
  boolean: '布尔值(true/false)',
  object: '映射(键: 值)',
  array: '列表',
};

export function loadPipeline(file: string): PipelineConfig {
  const abs = resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw userError(
      'pipeline.not_found',
      `找不到流水线文件 ${file}。请检查路径。`,
      `Pipeline file not found: ${file}. Check the path.`,
      { file },
    );
  }
  const text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  return parsePipeline(text, abs);
}

export function parsePipeline(text: string, absFile: string): PipelineConfig {
  const shown = relative(process.cwd(), absFile) || absFile;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset == null ? undefined : lc.linePos(offset).line);
  const diags: Diagnostic[] = [];

  for (const e of doc.errors) {
    diags.push(
      diag('pipeline.yaml_syntax', `YAML 语法错误：${e.message.split('\n')[0]}`, `YAML syntax error: ${e.message.split('\n')[0]}`, {
        file: shown,
        line: lineOf(e.pos?.[0]),
      }),
    );
  }
  if (diags.length) throw new UserError(diags);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // the yaml library refuses alias bombs ("Excessive alias count indicates a resource exhaustion attack")
    throw userError(
      'pipeline.yaml_aliases',
      `流水线文件无法展开：${(e as Error).message}。流水线中请不要大量使用 YAML 别名（&名称 / *名称），直接写出各项的值。`,
      `The pipeline file cannot be expanded: ${(e as Error).message}. Do not use YAML aliases (&name / *name) this heavily; write the values out.`,
      { file: shown, line: 1 },
    );
  }
  if (data == null || typeof data !== 'object' || Array.isArray(data)) {
    throw userError('pipeline.not_a_mapping', '流水线文件应是一个 YAML 映射，至少包含 sources。', 'The pipeline file must be a YAML mapping with at least `sources`.', {
      file: shown,
      line: 1,
    });
  }

  const at = (path: (string | number)[], key = false) => ({ file: shown, line: nodeLine(doc, path, key, lineOf), key: path.join('.') });

  const parsed = pipelineSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) diags.push(zodIssueToDiag(issue, doc, shown, lineOf));
    // still check tables and files, so one run of the command shows every problem
    const rawSources = (data as { sources?: unknown }).sources;
    if (rawSources && typeof rawSources === 'object' && !Array.isArray(rawSources)) {
      for (const [table, value] of Object.entries(rawSources as Record<string, unknown>)) {
        if (!isCanonicalTable(table)) {
          diags.push(unknownTable(table, at(['sources', table], true)));
          continue;
        }
        const list = Array.isArray(value) ? value : [value];
        list.forEach((src, idx) => {
          const p = (src as { path?: unknown } | null)?.path;
          if (typeof p !== 'string' || hasGlob(p)) return;
          const f = resolve(dirname(absFile), p);
          if (!existsSync(f)) {
            const path = Array.isArray(value) ? ['sources', table, idx, 'path'] : ['sources', table, 'path'];
            diags.push(
              diag('ingest.file_not_found', `找不到数据文件 ${p}（${f}）。请检查路径，路径相对于流水线文件。`, `Data file not found: ${p} (${f}). Paths are relative to the pipeline file.`, at(path)),
            );
          }
        });
      }
    }
    throw new UserError(sortDiags(diags));
  }
  const raw: RawPipeline = parsed.data;
  const dir = dirname(absFile);
  const sources: SourceSpec[] = [];

  for (const [table, value] of Object.entries(raw.sources)) {
    if (!isCanonicalTable(table)) {
      diags.push(unknownTable(table, at(['sources', table], true)));
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    list.forEach((src, idx) => {
      const path = Array.isArray(value) ? ['sources', table, idx] : ['sources', table];
      const fieldNames = new Set([...TABLES[table].fields, ...(TABLES[table].alternates ?? [])].map((f) => f.name));
      for (const [header, field] of Object.entries(src.columns ?? {})) {
        if (!fieldNames.has(field)) {
          const sugg = suggest(field, [...fieldNames]);
          diags.push(
            diag(
              'pipeline.unknown_field',
              `columns 把 "${header}" 映射到 ${table} 表不存在的字段 "${field}"。${sugg ? `是否应为 "${sugg}"？` : ''}可用字段：${[...fieldNames].join(', ')}`,
              `columns maps "${header}" to "${field}", which is not a field of ${table}.${sugg ? ` Did you mean "${sugg}"?` : ''}`,
              at([...path, 'columns', header]),
            ),
          );
        }
      }
      const files = hasGlob(src.path) ? expandGlob(src.path, dir) : [resolve(dir, src.path)];
      if (hasGlob(src.path) && files.length === 0) {
        diags.push(
          diag('pipeline.no_match', `没有文件匹配 "${src.path}"（相对于 ${dir}）。`, `No file matches "${src.path}" (relative to ${dir}).`, at([...path, 'path'])),
        );
      }
      for (const f of files) {
        if (!existsSync(f) || !statSync(f).isFile()) {
          diags.push(
            diag('ingest.file_not_found', `找不到数据文件 ${src.path}（${f}）。请检查路径，路径相对于流水线文件。`, `Data file not found: ${src.path} (${f}). Paths are relative to the pipeline file.`, at([...path, 'path'])),
          );
          continue;
        }
        const enc = src.encoding === 'utf8' ? 'utf-8' : src.encoding === 'gb2312' ? 'gb18030' : src.encoding;
        if (src.sheet != null && !['.xlsx', '.xlsm', '.xls'].includes(extname(f).toLowerCase())) {
          diags.push(
            diag('pipeline.sheet_not_excel', `sheet 只适用于 Excel 文件，而 ${src.path} 不是 Excel 文件。`, `sheet applies to Excel files only; ${src.path} is not one.`, at([...path, 'sheet'])),
          );
        }
        sources.push({
          table: table as CanonicalTableName,
          path: f,
          displayPath: relative(dir, f).split(sep).join('/'),
          encoding: enc ?? 'auto',
          ...(src.sheet != null ? { sheet: src.sheet } : {}),
          ...(src.header_row != null ? { header_row: src.header_row } : {}),
          ...(src.columns ? { columns: src.columns } : {}),
          yamlLine: nodeLine(doc, path, false, lineOf),
        });
      }
    });
  }
  if (Object.keys(raw.sources).length === 0) {
    diags.push(diag('pipeline.no_sources', 'sources 为空：至少需要一个数据源。', 'sources is empty: at least one source is needed.', at(['sources'])));
  }

  const custom: string[] = [];
  (raw.rules?.custom ?? []).forEach((pattern, i) => {
    const files = expandGlob(pattern, dir).filter((f) => existsSync(f));
    if (files.length === 0) {
      diags.push(
        diag('pipeline.no_match', `rules.custom 中的 "${pattern}" 没有匹配到规则文件。`, `rules.custom "${pattern}" matches no rule file.`, at(['rules', 'custom', i])),
      );
    }
    custom.push(...files);
  });

  const paramLines: Record<string, number> = {};
  for (const [ruleId, params] of Object.entries(raw.rules?.params ?? {})) {
    const l = nodeLine(doc, ['rules', 'params', ruleId], true, lineOf);
    if (l) paramLines[ruleId] = l;
    for (const p of Object.keys(params)) {
      const pl = nodeLine(doc, ['rules', 'params', ruleId, p], true, lineOf);
      if (pl) paramLines[`${ruleId}.${p}`] = pl;
    }
  }
  for (const key of ['include', 'exclude'] as const) {
    (raw.rules?.[key] ?? []).forEach((id, i) => {
      const l = nodeLine(doc, ['rules', key, i], false, lineOf);
      if (l) paramLines[`${key}:${id}`] = l;
    });
  }

  if (diags.length) throw new UserError(sortDiags(diags));

  const stem = basename(absFile).replace(/\.(ya?ml)$/i, '');
  const name = raw.name ?? stem;
  return {
    file: absFile,
    dir,
    name,
    sources,
    rules: {
      include: raw.rules?.include ?? ['all'],
      exclude: raw.rules?.exclude ?? [],
      params: raw.rules?.params ?? {},
      custom,
      paramLines,
    },
    report: { title: raw.report?.title ?? `${name} 问题线索报告`, mask_ids: raw.report?.mask_ids ?? true },
    output: raw.output ? resolve(dir, raw.output) : resolve(process.cwd(), 'out', stem),
    ...(raw.previous ? { previous: resolve(dir, raw.previous) } : {}),
    engine: {
      ...raw.engine,
      ...(raw.engine?.temp_directory ? { temp_directory: resolve(dir, raw.engine.temp_directory) } : {}),
    },
  };
}

function unknownTable(table: string, at: DiagnosticLocation): Diagnostic {
  const sugg = suggest(table, [...CANONICAL_TABLE_NAMES]);
  return diag(
    'pipeline.unknown_table',
    `sources 中的表名 "${table}" 不存在。${sugg ? `是否应为 "${sugg}"？` : ''}可用的表：${CANONICAL_TABLE_NAMES.join(', ')}`,
    `Unknown table "${table}" in sources.${sugg ? ` Did you mean "${sugg}"?` : ''} Known tables: ${CANONICAL_TABLE_NAMES.join(', ')}`,
    at,
  );
}

function nodeLine(
  doc: Document,
  path: (string | number)[],
  key: boolean,
  lineOf: (o: number | undefined) => number | undefined,
): number | undefined {
  // walk to the deepest existing node; return the line of its key (if asked) or value
  let node: unknown = doc.contents;
  let lastKeyNode: unknown;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      lastKeyNode = pair.key;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[Number(seg)];
      if (item === undefined) break;
      lastKeyNode = item;
      node = item;
    } else break;
  }
  const target = key ? lastKeyNode ?? node : node ?? lastKeyNode;
  const range = (target as { range?: [number, number, number] } | undefined)?.range;
  return lineOf(range?.[0]);
}

function zodIssueToDiag(
  issue: z.core.$ZodIssue,
  doc: Document,
  file: string,
  lineOf: (o: number | undefined) => number | undefined,
): Diagnostic {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
  const where = path.join('.') || '(顶层)';
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    const known = knownKeysAt(path);
    const sugg = keys.map((k) => suggest(k, known)).filter(Boolean);
    return diag(
      'pipeline.unknown_key',
      `${where === '(顶层)' ? '顶层' : where} 中有未知的键：${keys.join(', ')}。${sugg.length ? `是否应为 ${sugg.join(', ')}？` : ''}可用的键：${known.join(', ')}`,
      `Unknown key(s) ${keys.join(', ')} in ${where}.${sugg.length ? ` Did you mean ${sugg.join(', ')}?` : ''} Allowed: ${known.join(', ')}`,
      { file, line: nodeLine(doc, [...path, keys[0]], true, lineOf), key: [...path, keys[0]].join('.') },
    );
  }
  if (issue.code === 'invalid_type') {
    const expected = (issue as { expected: string }).expected;
    const missing = issue.message.includes('undefined');
    return diag(
      missing ? 'pipeline.missing_key' : 'pipeline.wrong_type',
      missing ? `缺少必填的键 ${where}。` : `${where} 的类型不对：应为${TYPE_ZH[expected] ?? expected}。`,
      missing ? `Missing required key ${where}.` : `${where} has the wrong type: expected ${expected}.`,
      { file, line: nodeLine(doc, path, false, lineOf), key: where },
    );
  }
  if (issue.code === 'invalid_value') {
    const values = (issue as { values: unknown[] }).values;
    return diag('pipeline.bad_value', `${where} 的取值不对，可选：${values.join(', ')}。`, `${where} has an invalid value; allowed: ${values.join(', ')}.`, {
      file,
      line: nodeLine(doc, path, false, lineOf),
      key: where,
    });
  }
  if (issue.code === 'invalid_union') {
    return diag(
      'pipeline.wrong_type',
      `${where} 的写法不对：应为 { path: … } 或它们的列表，且只能使用 path、encoding、sheet、header_row、columns 这些键。`,
      `${where} is malformed: expected { path: … } or a list of them, with keys path, encoding, sheet, header_row, columns only.`,
      { file, line: nodeLine(doc, path, false, lineOf), key: where },
    );
  }
  return diag('pipeline.invalid', `${where}：${issue.message}`, `${where}: ${issue.message}`, { file, line: nodeLine(doc, path, false, lineOf), key: where });
}

function knownKeysAt(path: (string | number)[]): string[] {
  if (path.length === 0) return Object.keys(pipelineSchema.shape);
  if (path[0] === 'rules' && path.length === 1) return ['include', 'exclude', 'params', 'custom'];
  if (path[0] === 'report') return ['title', 'mask_ids'];
  if (path[0] === 'engine') return ['memory_limit', 'temp_directory', 'threads', 'rule_timeout', 'max_columns', 'max_xlsx_xml_mb', 'max_inflate_ratio', 'max_xls_mb', 'max_html_xls_mb'];
  if (path[0] === 'sources') return Object.keys(sourceSchema.shape);
  return [];
}

export function suggest(word: string, candidates: string[]): string | undefined {
  const fuse = new Fuse(candidates, { includeScore: true, threshold: 0.4 });
  const r = fuse.search(word)[0];
  return r && r.score != null && r.score <= 0.4 ? r.item : undefined;
}

function sortDiags(d: Diagnostic[]): Diagnostic[] {
  return [...d].sort((a, b) => (a.at?.line ?? 0) - (b.at?.line ?? 0));
}

