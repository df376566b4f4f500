/** Lints every built-in rule file (STYLE §8.4) and binds its SQL against the empty canonical schema. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { BUILTIN_RULE_DIR, listSqlFiles, loadCatalog } from '../../src/rules/catalog.js';
import { formatCatalog } from '../../src/rules/format-catalog.js';
import { parseRuleFile } from '../../src/rules/parse-rule-file.js';
import { runRules } from '../../src/rules/run-rules.js';
import { scanSql } from '../../src/rules/sql-scan.js';
import { BUILTIN_CATEGORIES, CATEGORY_ZH, FINDING_COLUMNS } from '../../src/rules/types.js';
import { CATEGORY_ZH as REPORT_CATEGORY_ZH } from '../../src/report/build-report.js';
import { specRules } from '../spec.js';
import { isCanonicalTable } from '../../src/schema/canonical-tables.js';
import { loadCaseFile, loadGiven, openCaseDb } from './harness.js';

const SPEC = specRules();

let db: Db;
beforeAll(async () => {
  db = await openCaseDb();
});
afterAll(() => db?.close());

const files = listSqlFiles(BUILTIN_RULE_DIR);
const ROOT = join(BUILTIN_RULE_DIR, '..', '..');

describe('rule catalog', () => {
  it('loads as a whole and prints', () => {
    const catalog = loadCatalog([]);
    expect(catalog.length).toBe(files.length);
    const text = formatCatalog(catalog, false);
    for (const r of catalog) expect(text).toContain(r.id);
    const json = JSON.parse(formatCatalog(catalog, true));
    expect(json.map((r: { id: string }) => r.id)).toEqual(catalog.map((r) => r.id));
  });

  it('is exactly the rule set of SPEC §4: every SPEC rule in its category folder with its 名称, and no rule the SPEC does not name', () => {
    const catalog = loadCatalog([]);
    const built = catalog.map((r) => `${r.category}/${r.id} ${r.name}`).sort();
    const spec = SPEC.map((r) => `${r.category}/${r.id} ${r.name}`).sort();
    expect(built).toEqual(spec);
  });

  it('knows every SPEC category: built-in list, catalog order and Chinese names in the rules, the report and its charts', () => {
    const categories = [...new Set(SPEC.map((r) => r.category))];
    expect([...BUILTIN_CATEGORIES]).toEqual(categories);
    const client = readFileSync(join(ROOT, 'src', 'report', 'client', 'report.js'), 'utf8');
    const chartSql = ['leads_by_category', 'leads_by_rule', 'amount_by_rule'].map((f) => readFileSync(join(ROOT, 'sql', 'report', `${f}.sql`), 'utf8'));
    for (const c of categories) {
      expect(CATEGORY_ZH[c], c).toMatch(/[\u4e00-\u9fff]/u);
      expect(REPORT_CATEGORY_ZH[c], c).toMatch(/[\u4e00-\u9fff]/u);
      expect(client, `report.js CAT.${c}`).toMatch(new RegExp(`\\b${c}: '[^']+'`));
      for (const q of chartSql) expect(q, `chart SQL names ${c}`).toContain(`when '${c}' then`);
    }
  });

  it('the dibao_* rules take roster, household money and lead period from the shared macros, not from copies', () => {
    const dibaoIds = SPEC.filter((r) => r.id.startsWith('dibao_')).map((r) => r.id).sort();
    const dibaoRules = files.filter((f) => basename(f).startsWith('dibao_'));
    expect(dibaoRules.map((f) => basename(f, '.sql')).sort()).toEqual(dibaoIds);
    for (const f of dibaoRules) {
      const t = readFileSync(f, 'utf8');
      expect(t, f).toContain("xc_dibao_members('dibao')");
      expect(t, f).toContain("xc_dibao_money('hits', 'members', 'subsidy', 'as_of')");
      expect(t, f).toContain("xc_dibao_subjects('hits', 'members', 'heads')");
      expect(t, f).toContain("xc_dibao_spans('hits')");
      expect(t, f).not.toContain('household_pay as (');
      expect(t, f).not.toContain('subject_rows as (');
      expect(t, f).not.toMatch(/min\(win_start\)/);
    }
  });

  it('one SQL style: money in descriptions through xc_fmt_money only, no NULL projections of finding columns the runner fills', () => {
    const findingCols = FINDING_COLUMNS.join('|');
    const nullProjection = new RegExp(`(?:\\bcast\\s*\\(\\s*null\\s+as\\s+[a-z0-9_]+(?:\\s*\\([0-9,\\s]*\\))?\\s*\\)|\\bnull)\\s+as\\s+(?:${findingCols})\\b`, 'i');
    for (const f of files) {
      const t = readFileSync(f, 'utf8');
      expect(t, f).not.toMatch(nullProjection);
      expect(t, f).not.toMatch(/format\(\s*'\{:,\.2f\}'/);
      expect(t, f).not.toContain('xc_fin_money');
    }
    const macros = listSqlFiles(join(ROOT, 'sql', 'macros')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(macros.match(/\{:,\.2f\}/g)?.length, 'one money-formatting macro').toBe(1);
  });

  for (const file of files) {
    const id = basename(file, '.sql');
    describe(id, () => {
      it('header is valid: id = file name, category = folder, canonical tables, params declared/used, defaults typed', () => {
        const rule = parseRuleFile(file, readFileSync(file, 'utf8'), { builtin: true });
        expect(rule.id).toBe(id);
        expect(rule.category).toBe(basename(dirname(file)));
        expect(BUILTIN_CATEGORIES as readonly string[]).toContain(rule.category);
        for (const t of [...rule.tables, ...rule.optionalTables]) expect(isCanonicalTable(t), t).toBe(true);
        const used = new Set(scanSql(rule.sql).params.map((p) => p.name));
        expect([...used].sort()).toEqual(Object.keys(rule.params).sort());
        for (const [name, p] of Object.entries(rule.params)) {
          expect(p.description, name).toBeTruthy();
          expect(p.default, name).not.toBeUndefined();
        }
        expect(rule.method.length).toBeGreaterThan(10);
        for (const text of [rule.method, rule.why, ...rule.exclusions, ...rule.assumptions]) {
          expect(text, 'no space between two Chinese characters (folded YAML)').not.toMatch(/[\u4e00-\u9fff，。；：、（）] +[\u4e00-\u9fff，。；：、（）]/u);
        }
        expect(rule.why.length).toBeGreaterThan(5);
      });

      it('has a .test.yaml with a firing case and a non-firing case', () => {
        const yamlFile = join(dirname(file), `${id}.test.yaml`);
        expect(existsSync(yamlFile), yamlFile).toBe(true);
        const cf = loadCaseFile(yamlFile);
        expect(cf.ruleId).toBe(id);
        expect(cf.cases.some((c) => c.expect.length > 0), 'a firing case').toBe(true);
        expect(cf.cases.some((c) => c.expect.length === 0), 'a non-firing case').toBe(true);
      });

      it('binds and runs against the empty canonical tables', async () => {
        const rule = parseRuleFile(file, readFileSync(file, 'utf8'), { builtin: true });
        await loadGiven(db, {});
        const prepared = await db.connection.prepare(rule.sql);
        prepared.destroySync();
        const [s] = await runRules(db, [rule], { include: ['all'], exclude: [], params: {}, custom: [] });
        expect(s.status).toBe('ran');
        expect(s.leads).toBe(0);
      });
    });
  }
});
