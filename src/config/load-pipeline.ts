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
import { CANONICAL_TABLE_NAMES, isCanonicalTable, mappableFields, type CanonicalTableName } from '../schema/canonical-tables.js';
import { expandGlob, hasGlob } from './glob.js';
import type { EncodingOption, PipelineConfig, SourceSpec } from './types.js';

const sheetRef = z.union([z.string().min(1), z.number().int().min(1)]);
const sourceSchema = z
  .object({
    path: z.string().min(1),
    // any spelling; checked against ENCODINGS below (case-insensitive) with a message listing the accepted ones
    encoding: z.string().min(1).optional(),
    sheet: z.union([sheetRef, z.array(sheetRef).min(1)]).optional(),
    header_row: z.number().int().min(1).optional(),
    columns: z.record(z.string(), z.string()).optional(),
    constants: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

/** Encoding names as analysts write them (case-insensitive) → the reader's option (GBK text is decoded as GB18030). */
const ENCODINGS: Record<string, EncodingOption> = {
  auto: 'auto',
  'utf-8': 'utf-8', utf8: 'utf-8', utf_8: 'utf-8', 'utf-8-bom': 'utf-8', 'utf-8-sig': 'utf-8', 'utf8-bom': 'utf-8',
  gbk: 'gbk', 'x-gbk': 'gbk', cp936: 'gbk', ms936: 'gbk', 'windows-936': 'gbk', '936': 'gbk',
  gb2312: 'gb18030', 'gb-2312': 'gb18030', 'gb_2312': 'gb18030', 'euc-cn': 'gb18030', gb18030: 'gb18030', 'gb-18030': 'gb18030',
};

export function parseEncoding(name: string): EncodingOption | undefined {
  return ENCODINGS[name.trim().toLowerCase().replace(/\s+/g, '')];
}

/** `sheet: all` (also 全部 / 所有) */
function isAllSheets(v: unknown): boolean {
  return typeof v === 'string' && ['all', '全部', '所有', '全部工作表'].includes(v.trim().toLowerCase());
}

const PLACEHOLDER_RE = /\{([^{}]*)\}/g;
const PLACEHOLDERS = ['file', 'sheet', 'title'];

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

  // a full-width colon after a key is the usual cause of a broken pipeline file; it often parses (as a strange key
  // or text) instead of failing, so it is looked for in the text itself
  diags.push(...fullWidthColons(text, shown));
  for (const e of doc.errors) {
    const line = lineOf(e.pos?.[0]);
    if (line != null && diags.some((d) => d.code === 'pipeline.fullwidth_colon' && d.at?.line === line)) continue;
    diags.push(yamlSyntaxDiag(e.code, e.message.split('\n')[0], text, line, shown));
  }
  if (diags.length) throw new UserError(sortDiags(diags));

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
      const fieldNames = new Set(mappableFields(table).map((f) => f.name));
      let enc: EncodingOption | undefined = 'auto';
      if (src.encoding != null) {
        enc = parseEncoding(src.encoding);
        if (!enc) {
          diags.push(
            diag(
              'pipeline.bad_encoding',
              `encoding: ${src.encoding} 不是支持的文字编码。可写：auto（自动识别，默认）、UTF-8、GBK、GB18030（大小写不限；也接受 utf8、cp936、gb2312 等写法）。`,
              `encoding: ${src.encoding} is not a supported encoding. Use auto (default), UTF-8, GBK or GB18030 (any case; utf8, cp936, gb2312 are accepted too).`,
              at([...path, 'encoding']),
            ),
          );
        }
      }
      for (const [field, v] of Object.entries(src.constants ?? {})) {
        if (!fieldNames.has(field)) {
          const sugg = suggest(field, [...fieldNames]);
          diags.push(
            diag(
              'pipeline.unknown_field',
              `constants 中的 "${field}" 不是 ${table} 表的字段。${sugg ? `是否应为 "${sugg}"？` : ''}可用字段：${[...fieldNames].join(', ')}`,
              `constants key "${field}" is not a field of ${table}.${sugg ? ` Did you mean "${sugg}"?` : ''}`,
              at([...path, 'constants', field], true),
            ),
          );
        }
        for (const m of String(v).matchAll(PLACEHOLDER_RE)) {
          if (!PLACEHOLDERS.includes(m[1].trim())) {
            diags.push(
              diag(
                'pipeline.bad_placeholder',
                `constants.${field} 中的 {${m[1]}} 无法识别：可用的占位符只有 {file}（文件名，不含扩展名）、{sheet}（工作表名）和 {title}（表头上方的标题行）。`,
                `constants.${field}: unknown placeholder {${m[1]}}; use {file} (file name without extension), {sheet} (sheet name) or {title} (the title row above the header).`,
                at([...path, 'constants', field]),
              ),
            );
          }
        }
      }
      const sheetList = Array.isArray(src.sheet) ? src.sheet : null;
      const allSheets = isAllSheets(src.sheet);
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
        const excel = ['.xlsx', '.xlsm', '.xls', '.et'].includes(extname(f).toLowerCase());
        if (src.sheet != null && !excel) {
          diags.push(
            diag('pipeline.sheet_not_excel', `sheet 只适用于 Excel 文件，而 ${src.path} 不是 Excel 文件。`, `sheet applies to Excel files only; ${src.path} is not one.`, at([...path, 'sheet'])),
          );
        }
        if (!excel && Object.values(src.constants ?? {}).some((v) => /\{\s*sheet\s*\}/.test(String(v)))) {
          diags.push(
            diag('pipeline.sheet_not_excel', `constants 中的 {sheet} 只适用于 Excel 文件，而 ${src.path} 不是 Excel 文件。`, `{sheet} in constants applies to Excel files only; ${src.path} is not one.`, at([...path, 'constants'])),
          );
        }
        const constants = src.constants ? Object.fromEntries(Object.entries(src.constants).map(([k, v]) => [k, String(v)])) : undefined;
        sources.push({
          table: table as CanonicalTableName,
          path: f,
          displayPath: relative(dir, f).split(sep).join('/'),
          encoding: enc ?? 'auto',
          ...(src.sheet != null && !sheetList && !allSheets ? { sheet: src.sheet as string | number } : {}),
          ...(allSheets ? { sheets: 'all' as const } : sheetList ? { sheets: sheetList } : {}),
          ...(src.header_row != null ? { header_row: src.header_row } : {}),
          ...(src.columns ? { columns: src.columns } : {}),
          ...(constants ? { constants } : {}),
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
  const sugg = suggest(table.split(/[:：]/)[0].trim(), [...CANONICAL_TABLE_NAMES]);
  const colon = colonHint(table);
  return diag(
    'pipeline.unknown_table',
    `sources 中的表名 "${table}" 不存在。${colon.zh}${sugg ? `是否应为 "${sugg}"？` : ''}可用的表：${CANONICAL_TABLE_NAMES.join(', ')}`,
    `Unknown table "${table}" in sources.${colon.en}${sugg ? ` Did you mean "${sugg}"?` : ''} Known tables: ${CANONICAL_TABLE_NAMES.join(', ')}`,
    at,
  );
}

/** A key that swallowed its value: `dibao:{ path: a }` (no space after the colon) or a full-width colon. */
function colonHint(key: string): { zh: string; en: string } {
  if (key.includes('：')) return { zh: '（这里用了全角冒号“：”，YAML 需要半角冒号“:”后跟一个空格。）', en: ' (a full-width colon "：" was used; YAML needs ":" followed by a space.)' };
  if (/:\S/.test(key)) return { zh: '（冒号“:”后面需要一个空格。）', en: ' (put a space after the colon.)' };
  return { zh: '', en: '' };
}

/**
 * Lines where a key is followed by a full-width colon `：` (the usual cause of a broken pipeline file, written by
 * Chinese input methods): `sources：`, `dibao： { path: a.csv }`, `{ path： a.csv }`. Text in quotes and comments is
 * ignored; a colon inside a value (`title: 报告：上篇`) is not a key.
 */
function fullWidthColons(text: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""').replace(/(^|\s)#.*$/, '');
    const m = /(?:^\s*(?:-\s+)?|[{,]\s*)([^\s:：{},\[\]#][^:：{},\[\]#]*?)\s*：/.exec(line);
    if (!m) return;
    out.push(
      diag(
        'pipeline.fullwidth_colon',
        `第${i + 1}行的“${m[1]}”后面用了全角冒号“：”。YAML 只认半角冒号“:”，而且冒号后要有一个空格：写成“${m[1]}: …”。（中文输入法下常见，请切换到英文标点。）`,
        `Line ${i + 1}: "${m[1]}" is followed by a full-width colon "：". YAML needs a half-width ":" followed by a space: "${m[1]}: …".`,
        { file, line: i + 1 },
      ),
    );
  });
  return out;
}

const YAML_ZH: Record<string, string> = {
  TAB_AS_INDENT: '用了 Tab 键缩进。YAML 只允许用空格缩进，请把这一行开头的 Tab 换成空格（同一层级的键左对齐）。',
  BAD_INDENT: '缩进不一致。同一层级的键必须从同一列开始，请用空格对齐（不要混用 Tab）。',
  MISSING_CHAR: '缺少配对的引号或括号（" 或 \' 或 } 或 ]）。',
  DUPLICATE_KEY: '同一个键在这里写了两次，请删去一个或合并。',
  MULTILINE_IMPLICIT_KEY: '键必须写在一行内、后跟半角冒号和一个空格。常见原因：用了全角冒号“：”，或冒号后少了空格，或上一行的引号没有闭合。',
  BLOCK_AS_IMPLICIT_KEY: '键必须写在一行内、后跟半角冒号和一个空格。常见原因：用了全角冒号“：”或冒号后少了空格。',
  UNEXPECTED_TOKEN: '这里有无法识别的符号。请检查冒号、逗号、括号是否为半角英文标点。',
  BAD_SCALAR_START: '值不能以这个符号开头；以 @、`、%、| 等开头的文字请加引号。',
  BLOCK_IN_FLOW: '花括号 { } 或方括号 [ ] 里不能换行写成块结构；请写在一行内，或去掉括号改用缩进。',
  MULTIPLE_DOCS: '文件里有多个 YAML 文档（---）；流水线文件只能有一个。',
};

function yamlSyntaxDiag(code: string, message: string, text: string, line: number | undefined, file: string): Diagnostic {
  const src = line != null ? text.split(/\r?\n/)[line - 1] : undefined;
  const tab = src != null && /^\s*\t/.test(src);
  const zh = tab ? YAML_ZH.TAB_AS_INDENT : (YAML_ZH[code] ?? '请检查这一行的冒号（半角“:”后跟空格）、缩进（只用空格）和引号。');
  const shownLine = src != null ? `（第${line}行：${src.replace(/\t/g, '→').trim().slice(0, 60)}）` : '';
  return diag('pipeline.yaml_syntax', `YAML 语法错误：${zh}${shownLine}`, `YAML syntax error: ${message}`, { file, line });
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
    const sugg = keys.map((k) => suggest(k.split(/[:：]/)[0].trim(), known)).filter(Boolean);
    const colon = colonHint(keys.find((k) => colonHint(k).zh) ?? '');
    return diag(
      'pipeline.unknown_key',
      `${where === '(顶层)' ? '顶层' : where} 中有未知的键：${keys.join(', ')}。${colon.zh}${sugg.length ? `是否应为 ${sugg.join(', ')}？` : ''}可用的键：${known.join(', ')}`,
      `Unknown key(s) ${keys.join(', ')} in ${where}.${colon.en}${sugg.length ? ` Did you mean ${sugg.join(', ')}?` : ''} Allowed: ${known.join(', ')}`,
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
    if (path[path.length - 1] === 'sheet') {
      return diag(
        'pipeline.wrong_type',
        `${where} 的写法不对：应为工作表名称、序号（从1开始）、all（全部工作表）或它们的列表。`,
        `${where} is malformed: expected a sheet name, a 1-based index, all, or a list of names/indexes.`,
        { file, line: nodeLine(doc, path, false, lineOf), key: where },
      );
    }
    return diag(
      'pipeline.wrong_type',
      `${where} 的写法不对：应为 { path: … } 或它们的列表，且只能使用 path、encoding、sheet、header_row、columns、constants 这些键。`,
      `${where} is malformed: expected { path: … } or a list of them, with keys path, encoding, sheet, header_row, columns, constants only.`,
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

