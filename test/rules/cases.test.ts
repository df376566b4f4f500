/** Runs every `sql/rules/**\/*.test.yaml` case through the production rule path (see harness.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { compareFindings, findCaseFiles, loadCaseFile, loadRuleForCases, openCaseDb, runCase } from './harness.js';

let db: Db;
beforeAll(async () => {
  db = await openCaseDb();
});
afterAll(() => db?.close());

for (const file of findCaseFiles()) {
  const cf = loadCaseFile(file);
  describe(cf.ruleId, () => {
    for (const c of cf.cases) {
      it(`${cf.ruleId} › ${c.name}`, async () => {
        const rule = loadRuleForCases(cf);
        expect(rule.id).toBe(cf.ruleId);
        const actual = await runCase(db, rule, c);
        const problems = compareFindings(actual, c.expect);
        expect(problems, problems.join('\n')).toEqual([]);
      });
    }
  });
}
