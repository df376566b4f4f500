/** `xuncha rules [--json]`: the catalog as text for a terminal or as JSON for tools. */
import { ruleSourcePath } from './run-rules.js';
import { CATEGORY_ZH, SEVERITY_ZH, type ParamValue, type RuleDefinition } from './types.js';

function showValue(v: ParamValue): string {
  if (Array.isArray(v)) return v.length ? v.join('、') : '（空）';
  return String(v);
}

export function catalogJson(catalog: RuleDefinition[]) {
  return catalog.map((r) => ({
    id: r.id,
    name: r.name,
    category: r.category,
    category_zh: CATEGORY_ZH[r.category] ?? r.category,
    severity: r.severity,
    tables: r.tables,
    optional_tables: r.optionalTables,
    params: r.params,
    method: r.method,
    why: r.why,
    exclusions: r.exclusions,
    assumptions: r.assumptions,
    variants: r.variants,
    builtin: r.builtin,
    file: ruleSourcePath(r),
  }));
}

export function formatCatalog(catalog: RuleDefinition[], json: boolean): string {
  if (json) return JSON.stringify(catalogJson(catalog), null, 2) + '\n';
  const lines: string[] = [];
  let category: string | undefined;
  for (const r of catalog) {
    if (r.category !== category) {
      category = r.category;
      if (lines.length) lines.push('');
      lines.push(`== ${r.category}  ${CATEGORY_ZH[r.category] ?? '自定义类别'} ==`);
    }
    lines.push(`${r.id}  ${r.name}  [${r.severity} ${SEVERITY_ZH[r.severity]}]${r.builtin ? '' : '  (custom)'}`);
    lines.push(`    tables: ${r.tables.join(', ')}${r.optionalTables.length ? `  (optional: ${r.optionalTables.join(', ')})` : ''}`);
    const params = Object.entries(r.params);
    if (params.length) {
      lines.push('    params:');
      for (const [name, p] of params) {
        const range = [p.min != null ? `≥${p.min}` : '', p.max != null ? `≤${p.max}` : ''].filter(Boolean).join(' ');
        lines.push(`      ${name} (${p.type}${range ? ', ' + range : ''}) = ${showValue(p.default)}  — ${p.description}`);
      }
    } else lines.push('    params: (none)');
    for (const v of r.variants) lines.push(`    variant ${v.id} [${v.severity}]: ${v.description}`);
  }
  return lines.join('\n') + '\n';
}
