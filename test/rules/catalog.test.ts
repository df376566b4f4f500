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
import { BUILTIN_CATEGORIES } from '../../src/rules/types.js';
import { isCanonicalTable } from '../../src/schema/canonical-tables.js';
import { loadCaseFile, loadGiven, openCaseDb } from './harness.js';

const SPEC_RULES: Record<string, string[]> = {
  relationship_benefit: ['dibao_vehicle', 'dibao_property', 'dibao_public_employee', 'dibao_business', 'dibao_cadre_relative'],
  phantom_claim: ['deceased_payment', 'duplicate_payment', 'shared_account', 'account_name_mismatch', 'invalid_id', 'grain_area_excess', 'age_ineligible'],
};

let db: Db;
beforeAll(async () => {
  db = await openCaseDb();
});
afterAll(() => db?.close());

const files = listSqlFiles(BUILTIN_RULE_DIR);

describe('rule catalog', () => {
  it('loads as a whole and prints', () => {
    const catalog = loadCatalog([]);
    expect(catalog.length).toBe(files.length);
    const text = formatCatalog(catalog, false);
    for (const r of catalog) expect(text).toContain(r.id);
    const json = JSON.parse(formatCatalog(catalog, true));
    expect(json.map((r: { id: string }) => r.id)).toEqual(catalog.map((r) => r.id));
  });

  it('has the SPEC §4.1/§4.2 rule ids in their categories', () => {
    const ids = new Set(files.map((f) => `${basename(dirname(f))}/${basename(f, '.sql')}`));
    for (const [cat, list] of Object.entries(SPEC_RULES)) for (const id of list) expect(ids, `${cat}/${id}`).toContain(`${cat}/${id}`);
  });

  it('the dibao_* rules take roster and household money from the shared macros, not from copies', () => {
    const dibaoRules = files.filter((f) => basename(f).startsWith('dibao_'));
    expect(dibaoRules.length).toBe(5);
    for (const f of dibaoRules) {
      const t = readFileSync(f, 'utf8');
      expect(t, f).toContain("xc_dibao_members('dibao')");
      expect(t, f).toContain("xc_dibao_money('hits', 'members', 'subsidy', 'as_of')");
      expect(t, f).toContain("xc_dibao_subjects('hits', 'members', 'heads')");
      expect(t, f).not.toContain('household_pay as (');
      expect(t, f).not.toContain('subject_rows as (');
    }
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
