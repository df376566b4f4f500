/**
 * `npm run new-rule -- ID CATEGORY [--dir DIR]`: starts a built-in rule: writes `sql/rules/CATEGORY/ID.sql` (a header
 * to fill in and a runnable skeleton query) and `ID.test.yaml` (a firing case that fails until it is written, and a
 * look-alike), then prints what else a new rule touches (src/rules/README.md "Adding a rule"). It never overwrites.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_RULE_DIR, PROJECT_ROOT, loadCatalog } from './catalog.js';
import { BUILTIN_CATEGORIES } from './types.js';

const ID_RE = /^[a-z][a-z0-9_]*$/;

export interface NewRuleResult {
  sqlFile: string;
  yamlFile: string;
  /** the category is not a built-in one yet: it must be added to the category lists (checklist step) */
  newCategory: boolean;
  checklist: string[];
}

export class NewRuleError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
  }
}

export function ruleTemplate(id: string, category: string): string {
  return `/*---
id: ${id}
name: 待填写：规则中文名称（与 SPEC §4 表中的“名称”一致）
category: ${category}
severity: medium
tables: [subsidy]
params:
  min_amount: { type: number, default: 0, min: 0, description: 待填写：参数的含义和单位 }
method: >-
  待填写：规则怎样判断、按什么汇总为一条线索、金额怎样计算（说明页和报告的方法说明展示这一段）。
why: 待填写：为什么这是需要核查的线索。
exclusions:
  - 待填写：刻意不报的相似情形（look-alike），每条对应 .test.yaml 中的一个用例
assumptions:
  - 待填写：对 SPEC 中含糊之处的理解和取舍
---*/
-- A skeleton that runs: replace it with the rule. The final select returns one row per subject_key (SPEC §4 says
-- what it is); finding columns it leaves out are NULL (src/rules/README.md "Output shape"). Money in descriptions
-- goes through xc_fmt_money, dates through xc_fmt_date, evidence items through xc_evidence.
with
hits as (
    select * from subsidy where id_number is not null and amount >= $min_amount
),
findings as (
    select
        id_number as subject_key,
        any_value(name order by _source_file, _source_row) as subject_name,
        sum(amount) as amount,
        min(pay_date) as period_start,
        max(pay_date) as period_end,
        coalesce(any_value(name order by _source_file, _source_row), id_number) || '待填写：一句话写清事实，共'
            || xc_fmt_money(sum(amount)) || '元。' as description,
        list(xc_evidence('subsidy', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'subsidy_type': subsidy_type, 'amount': amount,
                          'pay_date': pay_date})
             order by _source_file, _source_row) as evidence
    from hits
    group by id_number
)
select * from findings
`;
}

export function casesTemplate(id: string): string {
  return `# TODO: what ${id} flags, in one line. Cases run through the production rule path (test/rules/harness.ts):
# every canonical table starts empty, only the rows under \`given\` exist; \`expect: []\` means no finding.
# Write: cases that fire (with amount and evidence), the look-alikes of the header's exclusions, and one case on and
# one past each boundary of every parameter.
rule: ${id}
cases:
  # TODO: the smallest data that fires the rule (this placeholder fails until it is written)
  flags_TODO:
    given:
      subsidy:
        - { id_number: '110101199003078670', name: 张三, subsidy_type: 高龄津贴, amount: 100.00, pay_date: 2023-03-05 }
    expect:
      - subject_key: TODO
        amount: 0.00
  # TODO: a look-alike that must not fire
  ignores_TODO:
    given: {}
    expect: []
`;
}

export function checklist(id: string, category: string, newCategory: boolean, sqlFile: string, yamlFile: string): string[] {
  const rel = (f: string) => relative(PROJECT_ROOT, f).split('\\').join('/');
  const steps = [
    `Write the rule: ${rel(sqlFile)} (header: name, tables, params, method, why, exclusions, assumptions; SQL).`,
    `Write its cases: ${rel(yamlFile)} (fires, look-alikes, one past each boundary): npx vitest run test/rules/cases.test.ts -t ${id}`,
    `Plant it in the generator with look-alikes (src/generate/plant-*.ts), add '${id}' to RULE_IDS (src/generate/truth.ts) and truth rows.`,
    `Add the naive reading to the oracle (test/generate/oracle.ts); check: npx tsx test/generate/oracle-cli.ts DIR and test/generate/rules-crosscheck.ts DIR.`,
    `Run the end-to-end truth test (test/e2e/truth.test.ts): the rule must run and find exactly its plants on three seeds.`,
    `The SPEC §4 table must name the rule (id, 名称, category): test/rules/catalog.test.ts compares the catalog with it (ask the lead engineer; never edit the SPEC yourself).`,
    `Time it: npm run bench -- --scale 1 (all rules under 5 s together), and regenerate the demo if it should show the rule (npx tsx src/generate/demo.ts).`,
  ];
  if (newCategory) {
    steps.splice(
      2,
      0,
      `New category '${category}': add it to BUILTIN_CATEGORIES and CATEGORY_ZH (src/rules/types.ts), CATEGORY_ZH (src/report/build-report.ts), CAT (src/report/client/report.js) and the category CASE of sql/report/{leads_by_category,leads_by_rule,amount_by_rule}.sql.`,
    );
  }
  return steps;
}

export function newRule(id: string, category: string, rulesDir = BUILTIN_RULE_DIR): NewRuleResult {
  if (!ID_RE.test(id ?? '')) throw new NewRuleError(`rule id "${id ?? ''}" must be snake_case (a-z, 0-9, _)`, true);
  if (!ID_RE.test(category ?? '')) throw new NewRuleError(`category "${category ?? ''}" must be snake_case (a-z, 0-9, _)`, true);
  const existing = loadCatalog([], { builtinDir: rulesDir }).find((r) => r.id === id || r.category === id);
  if (existing) throw new NewRuleError(existing.id === id ? `rule ${id} already exists: ${existing.file}` : `"${id}" is a category name`);
  const dir = join(rulesDir, category);
  const sqlFile = join(dir, `${id}.sql`);
  const yamlFile = join(dir, `${id}.test.yaml`);
  for (const f of [sqlFile, yamlFile]) if (existsSync(f)) throw new NewRuleError(`${f} exists; not overwritten`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(sqlFile, ruleTemplate(id, category), { flag: 'wx' });
  writeFileSync(yamlFile, casesTemplate(id), { flag: 'wx' });
  const newCategory = !(BUILTIN_CATEGORIES as readonly string[]).includes(category);
  return { sqlFile, yamlFile, newCategory, checklist: checklist(id, category, newCategory, sqlFile, yamlFile) };
}

function main(argv: string[]): number {
  const args = [...argv];
  let dir: string | undefined;
  const d = args.indexOf('--dir');
  if (d >= 0) {
    dir = args[d + 1];
    args.splice(d, 2);
  }
  if (args.length !== 2 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: npm run new-rule -- RULE_ID CATEGORY [--dir RULES_DIR]\n  e.g. npm run new-rule -- payroll_ghost payroll\n');
    return 2;
  }
  try {
    const r = newRule(args[0], args[1], dir);
    process.stdout.write(`wrote ${r.sqlFile}\nwrote ${r.yamlFile}\n\nAdding a rule (src/rules/README.md):\n${r.checklist.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`);
    return 0;
  } catch (e) {
    if (e instanceof NewRuleError) {
      process.stderr.write(`new-rule: ${e.message}\n`);
      return e.usage ? 2 : 1;
    }
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
