/**
 * The rule catalog: every built-in rule file under `sql/rules/<category>/*.sql` plus the pipeline's custom rule
 * files. No registry: adding a rule means adding a `.sql` file (and its `.test.yaml`). Every problem in every file
 * is collected and thrown as one UserError, sorted by file and line.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, diag, type Diagnostic } from '../errors.js';
import { parseRuleFile } from './parse-rule-file.js';
import { BUILTIN_CATEGORIES, type RuleDefinition } from './types.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILTIN_RULE_DIR = join(PROJECT_ROOT, 'sql', 'rules');

/** All `*.sql` files under a folder, sorted (deterministic catalog order). */
export function listSqlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries.sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.sql')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const CATEGORY_ORDER = new Map<string, number>(BUILTIN_CATEGORIES.map((c, i) => [c, i]));

/** Catalog order: built-in categories in SPEC order, then custom categories; by id inside a category. */
export function compareRules(a: RuleDefinition, b: RuleDefinition): number {
  const ca = CATEGORY_ORDER.get(a.category) ?? 99;
  const cb = CATEGORY_ORDER.get(b.category) ?? 99;
  if (ca !== cb) return ca - cb;
  if (a.category !== b.category) return a.category < b.category ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => {
    const fa = a.at?.file ?? '';
    const fb = b.at?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.at?.line ?? 0) - (b.at?.line ?? 0);
  });
}

export function loadCatalog(customFiles: string[] = [], options: { builtinDir?: string } = {}): RuleDefinition[] {
  const builtinDir = options.builtinDir ?? BUILTIN_RULE_DIR;
  const problems: Diagnostic[] = [];
  const rules: RuleDefinition[] = [];
  const load = (file: string, builtin: boolean) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(
        diag(
          'rule.unreadable',
          `无法读取规则文件：${(e as Error).message}`,
          `Cannot read the rule file: ${(e as Error).message}`,
          { file },
        ),
      );
      return;
    }
    try {
      rules.push(parseRuleFile(file, text, { builtin }));
    } catch (e) {
      if (e instanceof UserError) problems.push(...e.diagnostics);
      else throw e;
    }
  };
  for (const f of listSqlFiles(builtinDir)) load(f, true);
  for (const f of customFiles) load(f, false);

  const seen = new Map<string, RuleDefinition>();
  for (const r of rules) {
    const prev = seen.get(r.id);
    if (prev) {
      problems.push(
        diag(
          'rule.duplicate_id',
          `规则 id "${r.id}" 重复：已由 ${relative(PROJECT_ROOT, prev.file)} 定义。自定义规则请使用不同的 id（文件名）。`,
          `Duplicate rule id "${r.id}": already defined by ${relative(PROJECT_ROOT, prev.file)}. Give the custom rule another id (and file name).`,
          { file: r.file, line: 2 },
        ),
      );
    } else seen.set(r.id, r);
  }
  // Category names and rule ids share the include/exclude namespace.
  const categories = new Set(rules.map((r) => r.category));
  for (const r of rules) {
    if (categories.has(r.id)) {
      problems.push(
        diag(
          'rule.id_is_category',
          `规则 id "${r.id}" 与一个规则类别同名，include/exclude 将无法区分。`,
          `Rule id "${r.id}" equals a category name; include/exclude could not tell them apart.`,
          { file: r.file },
        ),
      );
    }
  }
  if (problems.length) throw new UserError(sortDiagnostics(problems));
  return [...seen.values()].sort(compareRules);
}
