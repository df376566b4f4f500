/**
 * Parses one rule file: a YAML metadata header in a leading `/*--- … ---*​/` comment, then one SQL query
 * (STYLE §8.3). Untrusted input (custom rules come from analysts) is validated here once, with zod (unknown keys
 * rejected); every problem is reported with the file and line, all at once, as one UserError.
 */
import { basename, dirname } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import { z } from 'zod';
import { UserError, diag, type Diagnostic } from '../errors.js';
import { CANONICAL_TABLE_NAMES, isCanonicalTable, type CanonicalTableName } from '../schema/canonical-tables.js';
import { checkParamValue } from './params.js';
import { scanSql } from './sql-scan.js';
import { PARAM_TYPES, SEVERITIES, type ParamSpec, type RuleDefinition, type RuleVariant, type Severity } from './types.js';

const ID_RE = /^[a-z][a-z0-9_]*$/;

const paramSchema = z
  .object({
    type: z.enum(PARAM_TYPES as unknown as [string, ...string[]]),
    default: z.unknown(),
    description: z.string().min(1),
    min: z.number().optional(),
    max: z.number().optional(),
    enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
  })
  .strict();

const textList = z.union([z.string().min(1), z.array(z.string().min(1))]).optional();

const headerSchema = z
  .object({
    id: z.string().regex(ID_RE, 'snake_case id'),
    name: z.string().min(1),
    category: z.string().regex(ID_RE, 'snake_case category'),
    severity: z.enum(SEVERITIES as unknown as [string, ...string[]]),
    tables: z.array(z.string()).min(1),
    optional_tables: z.array(z.string()).optional(),
    params: z.record(z.string().regex(ID_RE, 'snake_case parameter name'), paramSchema).optional(),
    method: z.string().min(1),
    why: z.string().min(1),
    exclusions: textList,
    assumptions: textList,
    variants: z
      .array(
        z
          .object({
            id: z.string().regex(ID_RE),
            severity: z.enum(SEVERITIES as unknown as [string, ...string[]]),
            description: z.string().min(1),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

const HEADER_OPEN = '/*---';
const HEADER_CLOSE = '---*/';

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Folded YAML (`>-`) joins lines with a space, which Chinese text must not have between two CJK characters. */
export function tidyText(s: string): string {
  const cjk = '\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef';
  return s.trim().replace(new RegExp(`(?<=[${cjk}])[ \\t]+(?=[${cjk}])`, 'gu'), '');
}

function toList(v: string | string[] | undefined): string[] {
  if (v == null) return [];
  return (Array.isArray(v) ? v : [v]).map(tidyText);
}

export interface ParseOptions {
  /** built-in rules must live in `sql/rules/<category>/`; custom rules may name any category */
  builtin?: boolean;
}

export function parseRuleFile(file: string, text: string, options: ParseOptions = {}): RuleDefinition {
  const builtin = options.builtin ?? false;
  const problems: Diagnostic[] = [];
  const at = (line?: number) => ({ file, ...(line != null ? { line } : {}) });
  const src = text.replace(/^\uFEFF/, '');

  const open = src.search(/\S/);
  if (open < 0 || !src.startsWith(HEADER_OPEN, open)) {
    throw new UserError(
      diag(
        'rule.header_missing',
        `规则文件开头缺少元数据注释 /*--- … ---*/（包含 id、name、category、severity、tables、params、method、why）。`,
        `The rule file does not start with a /*--- … ---*/ metadata header (id, name, category, severity, tables, params, method, why).`,
        at(open < 0 ? 1 : lineOf(src, open)),
      ),
    );
  }
  const close = src.indexOf(HEADER_CLOSE, open + HEADER_OPEN.length);
  if (close < 0) {
    throw new UserError(
      diag('rule.header_unclosed', `元数据注释没有以 ---*/ 结束。`, `The metadata header is not closed with ---*/.`, at(lineOf(src, open))),
    );
  }
  const yamlStart = open + HEADER_OPEN.length;
  const yamlText = src.slice(yamlStart, close);
  const yamlLineOffset = lineOf(src, yamlStart) - 1;
  const headerEndLine = lineOf(src, close);
  // Keep the SQL's line numbers equal to the file's: blank out the header but keep its newlines.
  const sqlRaw = src.slice(0, close + HEADER_CLOSE.length).replace(/[^\n]/g, ' ') + src.slice(close + HEADER_CLOSE.length);

  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    problems.push(
      diag('rule.header_yaml', `元数据 YAML 有语法错误：${e.message}`, `YAML syntax error in the header: ${e.message}`, at(line + yamlLineOffset)),
    );
  }
  if (problems.length) throw new UserError(problems);

  const lineOfPath = (path: (string | number)[]): number | undefined => {
    for (let k = path.length; k >= 0; k--) {
      const node = doc.getIn(path.slice(0, k), true) as { range?: [number, number, number] } | undefined;
      // for a map key, point at the key itself
      if (k > 0 && k === path.length) {
        const parent = doc.getIn(path.slice(0, k - 1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[k - 1]);
          const r = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
          if (r) return lineCounter.linePos(r[0]).line + yamlLineOffset;
        }
      }
      if (node?.range) return lineCounter.linePos(node.range[0]).line + yamlLineOffset;
    }
    return undefined;
  };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // the yaml library refuses alias bombs ("Excessive alias count …"): the file's problem, not ours
    throw new UserError(
      diag(
        'rule.header_yaml',
        `元数据 YAML 无法展开：${(e as Error).message}。请不要在规则头部使用大量的 YAML 别名（&/*）。`,
        `The header YAML cannot be expanded: ${(e as Error).message}. Do not use YAML aliases (&/*) this heavily in a rule header.`,
        at(yamlLineOffset + 1),
      ),
    );
  }
  const parsed = headerSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      let keyPath = path;
      let msgZh = `元数据字段 ${path.join('.') || '(根)'} 无效：${issue.message}`;
      let msgEn = `Invalid header field ${path.join('.') || '(root)'}: ${issue.message}`;
      if (issue.code === 'unrecognized_keys') {
        const keys = (issue as { keys: string[] }).keys;
        keyPath = [...path, keys[0]];
        msgZh = `元数据中有未知字段 ${keys.join(', ')}。允许的字段：${Object.keys(headerSchema.shape).join(', ')}（参数内：type, default, description, min, max, enum）`;
        msgEn = `Unknown header key(s) ${keys.join(', ')}. Allowed: ${Object.keys(headerSchema.shape).join(', ')} (in a parameter: type, default, description, min, max, enum)`;
      } else if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) {
        msgZh = `元数据缺少必填字段 ${path.join('.')}`;
        msgEn = `The header lacks the required field ${path.join('.')}`;
      }
      problems.push(diag('rule.header_invalid', msgZh, msgEn, at(lineOfPath(keyPath) ?? lineOfPath(path))));
    }
    throw new UserError(problems);
  }
  const h = parsed.data;

  const expectedId = basename(file).replace(/\.sql$/i, '');
  if (h.id !== expectedId) {
    problems.push(
      diag('rule.id_mismatch', `规则 id "${h.id}" 必须与文件名 "${expectedId}" 一致。`, `Rule id "${h.id}" must equal the file name "${expectedId}".`, at(lineOfPath(['id'])),
      ),
    );
  }
  if (builtin) {
    const folder = basename(dirname(file));
    if (h.category !== folder) {
      problems.push(
        diag(
          'rule.category_mismatch',
          `内置规则的 category "${h.category}" 必须与所在目录 "${folder}" 一致。`,
          `Category "${h.category}" of a built-in rule must equal its folder "${folder}".`,
          at(lineOfPath(['category'])),
        ),
      );
    }
  }
  const checkTables = (key: 'tables' | 'optional_tables', list: string[]) => {
    list.forEach((t, i) => {
      if (!isCanonicalTable(t)) {
        problems.push(
          diag(
            'rule.unknown_table',
            `${key} 中的表 "${t}" 不是标准表。可用的表：${CANONICAL_TABLE_NAMES.join(', ')}`,
            `Table "${t}" in ${key} is not a canonical table. Available: ${CANONICAL_TABLE_NAMES.join(', ')}`,
            at(lineOfPath([key, i])),
          ),
        );
      }
    });
  };
  checkTables('tables', h.tables);
  checkTables('optional_tables', h.optional_tables ?? []);

  const params: Record<string, ParamSpec> = {};
  for (const [name, p] of Object.entries(h.params ?? {})) {
    const spec = { ...p, type: p.type } as ParamSpec;
    if (!Object.prototype.hasOwnProperty.call(p, 'default') || p.default === undefined || p.default === null) {
      problems.push(
        diag('rule.param_default', `参数 ${name} 缺少默认值 default。`, `Parameter ${name} has no default.`, at(lineOfPath(['params', name]))),
      );
      continue;
    }
    const r = checkParamValue(spec, p.default);
    if (!r.ok) {
      problems.push(
        diag('rule.param_default', `参数 ${name} 的默认值${r.zh}`, `Default of parameter ${name}: ${r.en}`, at(lineOfPath(['params', name, 'default']))),
      );
      continue;
    }
    spec.default = r.value;
    params[name] = spec;
  }

  const scan = scanSql(sqlRaw);
  for (const p of scan.positional) {
    problems.push(
      diag(
        'rule.positional_param',
        `SQL 中使用了位置参数 ${p.name}；请改用在元数据 params 中声明的命名参数 $名称。`,
        `The SQL uses the positional parameter ${p.name}; use a named $parameter declared in the header.`,
        at(p.line),
      ),
    );
  }
  const used = new Set<string>();
  for (const p of scan.params) {
    used.add(p.name);
    if (!h.params || !(p.name in h.params)) {
      problems.push(
        diag(
          'rule.param_undeclared',
          `SQL 使用了未在元数据 params 中声明的参数 $${p.name}。`,
          `The SQL uses the parameter $${p.name}, which the header does not declare under params.`,
          at(p.line),
          `在头部 params 中加入 ${p.name}: { type: …, default: …, description: … }`,
        ),
      );
    }
  }
  for (const name of Object.keys(h.params ?? {})) {
    if (!used.has(name)) {
      problems.push(
        diag('rule.param_unused', `参数 ${name} 已声明但 SQL 中没有使用 $${name}。`, `Parameter ${name} is declared but $${name} is not used in the SQL.`, at(lineOfPath(['params', name]))),
      );
    }
  }

  // One statement: a trailing `;` is allowed and dropped.
  let sql = sqlRaw;
  const trailing = scan.semicolons.filter((off) => sqlRaw.slice(off + 1).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() !== '');
  if (trailing.length) {
    problems.push(
      diag(
        'rule.multiple_statements',
        `规则文件只能包含一条 SQL 查询（最后一个 select），发现多余的分号。`,
        `A rule file holds exactly one SQL query; found a ';' followed by more SQL.`,
        at(lineOf(sqlRaw, trailing[0])),
      ),
    );
  } else if (scan.semicolons.length) {
    const last = scan.semicolons[scan.semicolons.length - 1];
    sql = sqlRaw.slice(0, last) + ' ' + sqlRaw.slice(last + 1);
  }
  if (!sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim()) {
    problems.push(diag('rule.sql_empty', `元数据之后没有 SQL 查询。`, `There is no SQL query after the header.`, at(headerEndLine)));
  }

  if (problems.length) throw new UserError(problems);

  const variants: RuleVariant[] = (h.variants ?? []).map((v) => ({ id: v.id, severity: v.severity as Severity, description: tidyText(v.description) }));
  return {
    id: h.id,
    name: h.name,
    category: h.category,
    severity: h.severity as Severity,
    tables: h.tables as CanonicalTableName[],
    optionalTables: (h.optional_tables ?? []) as CanonicalTableName[],
    params,
    method: tidyText(h.method),
    why: tidyText(h.why),
    exclusions: toList(h.exclusions),
    assumptions: toList(h.assumptions),
    variants,
    sql,
    file,
    headerEndLine,
    builtin,
  };
}
