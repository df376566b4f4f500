/**
 * Runs every `sql/rules/**\/*.test.yaml` case through the production rule path (see harness.ts), plus the cases of
 * custom rule files: the example under test/rules/fixtures/custom and any folder listed in XUNCHA_CUSTOM_RULE_DIRS
 * (comma-separated; an analyst's own rules with their .test.yaml).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { compareFindings, findCaseFiles, loadCaseFile, loadRuleForCases, openCaseDb, runCase } from './harness.js';

let db: Db;
beforeAll(async () => {
  db = await openCaseDb();
});
afterAll(() => db?.close());

const CUSTOM_DIRS = [join(import.meta.dirname, 'fixtures', 'custom'), ...(process.env.XUNCHA_CUSTOM_RULE_DIRS ?? '').split(',').filter(Boolean)];
const FILES = [...findCaseFiles().map((f) => ({ f, builtin: true })), ...CUSTOM_DIRS.flatMap((d) => findCaseFiles(d).map((f) => ({ f, builtin: false })))];

for (const { f: file, builtin } of FILES) {
  const cf = loadCaseFile(file);
  describe(`${builtin ? '' : 'custom '}${cf.ruleId}`, () => {
    for (const c of cf.cases) {
      it(`${cf.ruleId} › ${c.name}`, async () => {
        const rule = loadRuleForCases(cf, builtin);
        expect(rule.id).toBe(cf.ruleId);
        const actual = await runCase(db, rule, c);
        const problems = compareFindings(actual, c.expect);
        expect(problems, problems.join('\n')).toEqual([]);
      });
    }
  });
}
