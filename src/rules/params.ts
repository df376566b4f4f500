/**
 * Rule parameters: type-checking a value against its ParamSpec, merging header defaults with the pipeline's
 * overrides, and turning the result into bound DuckDB values. Parameters are always bound (`$name`), never
 * pasted into SQL.
 */
import { BIGINT, BOOLEAN, DATE, DOUBLE, LIST, VARCHAR, dateValue, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { Diagnostic, DiagnosticLocation } from '../errors.js';
import { diag } from '../errors.js';
import type { ParamSpec, ParamValue, RuleDefinition } from './types.js';

const TYPE_ZH: Record<ParamSpec['type'], string> = {
  integer: '整数',
  number: '数值',
  string: '文本',
  boolean: '布尔值(true/false)',
  string_list: '文本列表',
  date: '日期(YYYY-MM-DD)',
};

export type CheckResult = { ok: true; value: ParamValue } | { ok: false; zh: string; en: string };

function isValidIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Checks one value against its spec; returns the normalized value (dates as 'YYYY-MM-DD'). */
export function checkParamValue(spec: ParamSpec, value: unknown): CheckResult {
  const bad = (): CheckResult => ({
    ok: false,
    zh: `应为${TYPE_ZH[spec.type]}，实际为 ${JSON.stringify(value)}`,
    en: `expected ${spec.type}, got ${JSON.stringify(value)}`,
  });
  let v: ParamValue;
  switch (spec.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return bad();
      v = value;
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad();
      v = value;
      break;
    case 'string':
      if (typeof value !== 'string') return bad();
      v = value;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return bad();
      v = value;
      break;
    case 'string_list':
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) return bad();
      v = [...value];
      break;
    case 'date': {
      const s = value instanceof Date && !isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value;
      if (typeof s !== 'string' || !isValidIsoDate(s)) return bad();
      v = s;
      break;
    }
  }
  if (typeof v === 'number') {
    if (spec.min != null && v < spec.min)
      return { ok: false, zh: `不能小于 ${spec.min}，实际为 ${v}`, en: `must be ≥ ${spec.min}, got ${v}` };
    if (spec.max != null && v > spec.max)
      return { ok: false, zh: `不能大于 ${spec.max}，实际为 ${v}`, en: `must be ≤ ${spec.max}, got ${v}` };
  }
  if (spec.enum) {
    const items = Array.isArray(v) ? v : [v];
    for (const it of items) {
      if (!spec.enum.includes(it as string | number))
        return {
          ok: false,
          zh: `取值 ${JSON.stringify(it)} 不在允许范围 ${JSON.stringify(spec.enum)} 内`,
          en: `value ${JSON.stringify(it)} is not one of ${JSON.stringify(spec.enum)}`,
        };
    }
  }
  return { ok: true, value: v };
}

export interface ResolvedParams {
  values: Record<string, ParamValue>;
  diagnostics: Diagnostic[];
}

/**
 * Defaults merged with overrides. Undeclared and wrongly typed overrides become error diagnostics located at
 * `at(key)` (the pipeline's YAML line when known).
 */
export function resolveParams(
  rule: RuleDefinition,
  overrides: Record<string, unknown> | undefined,
  at: (param?: string) => DiagnosticLocation | undefined = () => undefined,
): ResolvedParams {
  const values: Record<string, ParamValue> = {};
  const diagnostics: Diagnostic[] = [];
  for (const [name, spec] of Object.entries(rule.params)) values[name] = spec.default;
  for (const [name, raw] of Object.entries(overrides ?? {})) {
    const spec = rule.params[name];
    if (!spec) {
      const declared = Object.keys(rule.params);
      diagnostics.push(
        diag(
          'rule.unknown_param',
          `规则 ${rule.id} 没有参数 "${name}"。可用参数：${declared.length ? declared.join(', ') : '（无）'}`,
          `Rule ${rule.id} has no parameter "${name}". Declared parameters: ${declared.length ? declared.join(', ') : '(none)'}`,
          at(name),
        ),
      );
      continue;
    }
    const r = checkParamValue(spec, raw);
    if (!r.ok) {
      diagnostics.push(
        diag('rule.param_type', `规则 ${rule.id} 的参数 ${name} ${r.zh}`, `Parameter ${name} of rule ${rule.id}: ${r.en}`, at(name)),
      );
      continue;
    }
    values[name] = r.value;
  }
  return { values, diagnostics };
}

/** DuckDB values and explicit types for the parameters a statement uses. */
export function bindValues(
  rule: RuleDefinition,
  values: Record<string, ParamValue>,
  used: Iterable<string>,
): { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> } {
  const out: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const name of new Set(used)) {
    const spec = rule.params[name];
    const v = values[name];
    switch (spec.type) {
      case 'integer':
        out[name] = BigInt(v as number);
        types[name] = BIGINT;
        break;
      case 'number':
        out[name] = v as number;
        types[name] = DOUBLE;
        break;
      case 'string':
        out[name] = v as string;
        types[name] = VARCHAR;
        break;
      case 'boolean':
        out[name] = v as boolean;
        types[name] = BOOLEAN;
        break;
      case 'string_list':
        out[name] = listValue(v as string[]);
        types[name] = LIST(VARCHAR);
        break;
      case 'date': {
        const [y, m, d] = (v as string).split('-').map(Number);
        out[name] = dateValue({ year: y, month: m, day: d });
        types[name] = DATE;
        break;
      }
    }
  }
  return { values: out, types };
}
