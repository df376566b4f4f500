/** `npm run new-rule -- ID CATEGORY`: the two files it writes are a valid rule and a case file that fails until written. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { BUILTIN_RULE_DIR, PROJECT_ROOT } from '../../src/rules/catalog.js';
import { NewRuleError, newRule } from '../../src/rules/new-rule.js';
import { parseRuleFile } from '../../src/rules/parse-rule-file.js';
import { runRules } from '../../src/rules/run-rules.js';
import { compareFindings, loadCaseFile, loadGiven, loadRuleForCases, openCaseDb, runCase } from './harness.js';

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openCaseDb();
  dir = mkdtempSync(join(tmpdir(), 'xc-new-rule-'));
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('new-rule', () => {
  it('writes a rule that parses, binds and runs, and cases whose placeholder fails until it is written', async () => {
    const r = newRule('payroll_ghost', 'payroll', dir);
    expect(r.sqlFile).toBe(join(dir, 'payroll', 'payroll_ghost.sql'));
    expect(r.newCategory).toBe(false);
    const rule = parseRuleFile(r.sqlFile, readFileSync(r.sqlFile, 'utf8'), { builtin: true });
    expect(rule).toMatchObject({ id: 'payroll_ghost', category: 'payroll' });
    await loadGiven(db, {});
    const [s] = await runRules(db, [rule], { include: ['all'], exclude: [], params: {}, custom: [] });
    expect(s).toMatchObject({ status: 'ran', leads: 0 });

    const cf = loadCaseFile(r.yamlFile);
    expect(cf.ruleId).toBe('payroll_ghost');
    const fires = cf.cases.find((c) => c.expect.length > 0)!;
    const lookalike = cf.cases.find((c) => c.expect.length === 0)!;
    expect(compareFindings(await runCase(db, loadRuleForCases(cf), fires), fires.expect)).not.toEqual([]);
    expect(compareFindings(await runCase(db, loadRuleForCases(cf), lookalike), lookalike.expect)).toEqual([]);
    expect(r.checklist.join('\n')).toMatch(/truth\.ts[\s\S]*oracle\.ts[\s\S]*truth\.test\.ts[\s\S]*SPEC/);
  });

  it('names the category lists to extend for a new category, and never overwrites', () => {
    const r = newRule('gift_card', 'gifts', dir);
    expect(r.newCategory).toBe(true);
    expect(r.checklist.join('\n')).toContain('BUILTIN_CATEGORIES');
    expect(() => newRule('gift_card', 'gifts', dir)).toThrow(NewRuleError);
    expect(() => newRule('deceased_payment', 'phantom_claim', BUILTIN_RULE_DIR)).toThrow(/already exists/);
    expect(() => newRule('Bad-Id', 'payroll', dir)).toThrow(/snake_case/);
  });

  it('runs as npm run new-rule: usage errors exit 2', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'rules', 'new-rule.ts'), 'only_one_arg'], { encoding: 'utf8', cwd: PROJECT_ROOT });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: npm run new-rule -- RULE_ID CATEGORY');
    const ok = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'rules', 'new-rule.ts'), 'cli_made', 'finance', '--dir', dir], { encoding: 'utf8', cwd: PROJECT_ROOT });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(join(dir, 'finance', 'cli_made.sql'));
  });
});
