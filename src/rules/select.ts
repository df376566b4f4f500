/**
 * Chooses the rules of a run from the catalog and the pipeline's `rules:` block (SPEC §2.2): include (`all`,
 * rule ids or category names; default all), exclude, and per-rule parameter overrides. Rules whose required
 * tables have no source are skipped with a visible warning. Unknown ids/categories, undeclared and wrongly typed
 * parameters are errors (all collected, thrown as one UserError with the YAML lines where known).
 */
import { UserError, diag, type Diagnostic, type DiagnosticLocation } from '../errors.js';
import type { RulesConfig } from '../config/types.js';
import { TABLES, type CanonicalTableName } from '../schema/canonical-tables.js';
import { sortDiagnostics } from './catalog.js';
import { resolveParams } from './params.js';
import type { RuleDefinition, RuleSelection, SkippedRule } from './types.js';

export interface SelectOptions {
  /** the pipeline file, for diagnostic locations */
  file?: string;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length][b.length];
}

function nearest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Looks a key up in paramLines under the spellings a config loader may use. */
function lineFor(rules: RulesConfig, ...keys: string[]): number | undefined {
  const lines = rules.paramLines ?? {};
  for (const k of keys) {
    for (const spelled of [k, `params.${k}`, `rules.params.${k}`, `rules.${k}`]) {
      if (lines[spelled] != null) return lines[spelled];
    }
  }
  return undefined;
}

export function selectRules(
  catalog: RuleDefinition[],
  rules: RulesConfig,
  presentTables: Set<string>,
  options: SelectOptions = {},
): RuleSelection {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const byId = new Map(catalog.map((r) => [r.id, r]));
  const categories = [...new Set(catalog.map((r) => r.category))];
  const names = [...byId.keys(), ...categories, 'all'];
  const loc = (line?: number, key?: string): DiagnosticLocation | undefined =>
    options.file || line != null || key ? { ...(options.file ? { file: options.file } : {}), ...(line != null ? { line } : {}), ...(key ? { key } : {}) } : undefined;

  const resolveNames = (list: string[], field: 'include' | 'exclude'): Set<string> => {
    const ids = new Set<string>();
    list.forEach((name, i) => {
      if (name === 'all') {
        if (field === 'exclude') {
          errors.push(
            diag('pipeline.exclude_all', `rules.exclude 不能为 all。`, `rules.exclude cannot be "all".`, loc(lineFor(rules, `${field}.${i}`, field), `rules.${field}`)),
          );
        } else catalog.forEach((r) => ids.add(r.id));
      } else if (byId.has(name)) ids.add(name);
      else if (categories.includes(name)) catalog.filter((r) => r.category === name).forEach((r) => ids.add(r.id));
      else {
        const near = nearest(name, names);
        errors.push(
          diag(
            'pipeline.unknown_rule',
            `rules.${field} 中的 "${name}" 既不是规则 id 也不是规则类别。${near ? `是否应为 "${near}"？` : ''}运行 xuncha rules 查看可用规则。`,
            `"${name}" in rules.${field} is neither a rule id nor a category.${near ? ` Did you mean "${near}"?` : ''} Run \`xuncha rules\` to list them.`,
            loc(lineFor(rules, `${field}.${i}`, field), `rules.${field}`),
          ),
        );
      }
    });
    return ids;
  };

  const include = rules.include?.length ? rules.include : ['all'];
  const included = resolveNames(include, 'include');
  const excluded = resolveNames(rules.exclude ?? [], 'exclude');

  for (const [ruleId, overrides] of Object.entries(rules.params ?? {})) {
    const rule = byId.get(ruleId);
    if (!rule) {
      const near = nearest(ruleId, [...byId.keys()]);
      errors.push(
        diag(
          'pipeline.unknown_rule',
          `rules.params 中的规则 "${ruleId}" 不存在。${near ? `是否应为 "${near}"？` : ''}`,
          `Unknown rule "${ruleId}" in rules.params.${near ? ` Did you mean "${near}"?` : ''}`,
          loc(lineFor(rules, ruleId), `rules.params.${ruleId}`),
        ),
      );
      continue;
    }
    if (overrides == null || typeof overrides !== 'object' || Array.isArray(overrides)) {
      errors.push(
        diag(
          'rule.param_type',
          `rules.params.${ruleId} 应为"参数名: 值"的映射。`,
          `rules.params.${ruleId} must be a mapping of parameter: value.`,
          loc(lineFor(rules, ruleId), `rules.params.${ruleId}`),
        ),
      );
      continue;
    }
    const r = resolveParams(rule, overrides, (p) => loc(lineFor(rules, `${ruleId}.${p}`, ruleId), `rules.params.${ruleId}${p ? '.' + p : ''}`));
    errors.push(...r.diagnostics);
  }
  if (errors.length) throw new UserError(sortDiagnostics(errors));

  const selected: RuleDefinition[] = [];
  const skipped: SkippedRule[] = [];
  for (const rule of catalog) {
    if (!included.has(rule.id) || excluded.has(rule.id)) continue;
    const missing = rule.tables.filter((t) => !presentTables.has(t));
    if (missing.length) {
      const zhNames = missing.map((t) => `${t}（${TABLES[t as CanonicalTableName]?.zh ?? t}）`).join('、');
      const s: SkippedRule = {
        rule,
        reason_zh: `缺少数据表 ${zhNames}，规则 ${rule.id}（${rule.name}）未运行。`,
        reason_en: `Rule ${rule.id} skipped: no source for table(s) ${missing.join(', ')}.`,
      };
      skipped.push(s);
      warnings.push({ code: 'rule.skipped_missing_table', level: 'warning', zh: s.reason_zh, en: s.reason_en, at: { file: rule.file } });
    } else selected.push(rule);
  }
  return { selected, skipped, diagnostics: warnings };
}
