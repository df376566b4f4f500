/** Custom rule files (pipeline `rules.custom`): they run like built-ins, and every kind of mistake names the file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { UserError, formatDiagnostic } from '../../src/errors.js';
import { assembleLeads } from '../../src/leads/assemble.js';
import { loadCatalog } from '../../src/rules/catalog.js';
import { preflightRules } from '../../src/rules/preflight.js';
import { runRules, toFileLines } from '../../src/rules/run-rules.js';
import { selectRules } from '../../src/rules/select.js';
import type { RulesConfig } from '../../src/config/types.js';
import { loadGiven, openCaseDb } from './harness.js';

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openCaseDb();
  dir = mkdtempSync(join(tmpdir(), 'xuncha-custom-'));
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

function ruleFile(name: string, text: string): string {
  const f = join(dir, `${name}.sql`);
  writeFileSync(f, text);
  return f;
}

const GOOD = `/*---
id: big_payment
name: 单笔大额补贴
category: local_checks
severity: low
tables: [subsidy]
params:
  min_amount: { type: number, default: 1000, min: 0, description: 单笔金额下限（元） }
method: 单笔发放金额不低于 min_amount 的补贴记录，按身份证号汇总。
why: 大额单笔发放需要核实依据。
---*/
select
    id_number as subject_key,
    any_value(name) as subject_name,
    sum(amount) as amount,
    '单笔大额补贴' || count(*) || '笔' as description,
    list(xc_evidence('subsidy', _source_file, _source_row, {'amount': amount}) order by _source_row) as evidence
from subsidy
where amount >= $min_amount
group by id_number;
`;

const config = (custom: string[], extra: Partial<RulesConfig> = {}): RulesConfig => ({ include: ['all'], exclude: [], params: {}, custom, ...extra });

async function userErrorOf(p: Promise<unknown> | (() => unknown)): Promise<UserError> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('custom rules', () => {
  it('run through the same path and produce leads', async () => {
    const f = ruleFile('big_payment', GOOD);
    const catalog = loadCatalog([f]);
    const rule = catalog.find((r) => r.id === 'big_payment')!;
    expect(rule.builtin).toBe(false);
    expect(rule.category).toBe('local_checks');
    const sel = selectRules(catalog, config([f], { include: ['local_checks'], params: { big_payment: { min_amount: 500 } } }), new Set(['subsidy']));
    expect(sel.selected.map((r) => r.id)).toEqual(['big_payment']);
    await loadGiven(db, {
      subsidy: [
        { id_number: 'A', name: '甲', subsidy_type: 'x', amount: 600, pay_date: '2023-01-01' },
        { id_number: 'B', name: '乙', subsidy_type: 'x', amount: 400, pay_date: '2023-01-01' },
      ],
    });
    const runs = await runRules(db, sel, config([f], { params: { big_payment: { min_amount: 500 } } }));
    expect(runs[0]).toMatchObject({ rule_id: 'big_payment', status: 'ran', leads: 1, params: { min_amount: 500 } });
    const { leads } = await assembleLeads(db, catalog);
    expect(leads).toBe(1);
    const rows = await db.all<{ rule_id: string; category: string; subject_key: string; amount: string; severity: string }>(
      `select rule_id, category, subject_key, amount, severity from leads`,
    );
    expect(rows).toEqual([{ rule_id: 'big_payment', category: 'local_checks', subject_key: 'A', amount: '600.00', severity: 'low' }]);
    const rr = await db.all<{ source_file: string; status: string }>(`select source_file, status from rule_runs`);
    expect(rr).toEqual([{ source_file: f, status: 'ran' }]);
  });

  it('bad header: unknown key, with file and line', async () => {
    const f = ruleFile('bad_header', GOOD.replace('id: big_payment', 'id: bad_header').replace('severity: low', 'severity: low\nowner: 张三'));
    const e = await userErrorOf(() => loadCatalog([f]));
    const d = e.diagnostics.find((x) => x.code === 'rule.header_invalid')!;
    expect(d.at).toEqual({ file: f, line: 6 });
    expect(d.zh).toContain('owner');
    expect(formatDiagnostic(d)).toContain(`${f}:6`);
  });

  it('bad header: missing header, YAML syntax error, wrong severity, id not the file name', async () => {
    const noHeader = ruleFile('no_header', 'select 1 as subject_key');
    expect((await userErrorOf(() => loadCatalog([noHeader]))).diagnostics[0]).toMatchObject({ code: 'rule.header_missing', at: { file: noHeader } });
    const yamlErr = ruleFile('yaml_err', GOOD.replace('id: big_payment', 'id: yaml_err').replace('tables: [subsidy]', 'tables: [subsidy'));
    expect((await userErrorOf(() => loadCatalog([yamlErr]))).diagnostics[0]).toMatchObject({ code: 'rule.header_yaml', at: { file: yamlErr } });
    const sev = ruleFile('bad_sev', GOOD.replace('id: big_payment', 'id: bad_sev').replace('severity: low', 'severity: urgent'));
    expect((await userErrorOf(() => loadCatalog([sev]))).diagnostics[0]).toMatchObject({ code: 'rule.header_invalid', at: { file: sev, line: 5 } });
    const wrongId = ruleFile('wrong_id', GOOD);
    expect((await userErrorOf(() => loadCatalog([wrongId]))).diagnostics[0]).toMatchObject({ code: 'rule.id_mismatch', at: { file: wrongId, line: 2 } });
  });

  it('unknown table in the header, and in the SQL', async () => {
    const hdr = ruleFile('unknown_table', GOOD.replace('id: big_payment', 'id: unknown_table').replace('tables: [subsidy]', 'tables: [subsidies]'));
    const e = await userErrorOf(() => loadCatalog([hdr]));
    expect(e.diagnostics[0]).toMatchObject({ code: 'rule.unknown_table', at: { file: hdr, line: 6 } });
    const sqlTable = ruleFile('unknown_sql_table', GOOD.replace('id: big_payment', 'id: unknown_sql_table').replace('from subsidy', 'from subsidies'));
    const rules = loadCatalog([sqlTable]).filter((r) => r.id === 'unknown_sql_table');
    await loadGiven(db, {});
    const e2 = await userErrorOf(runRules(db, rules, config([sqlTable])));
    expect(e2.diagnostics[0]).toMatchObject({ code: 'rule.sql_error', at: { file: sqlTable } });
    expect(e2.diagnostics[0].en).toContain('subsidies');
  });

  it('undeclared and unused parameters, positional parameters', async () => {
    const f = ruleFile('undeclared', GOOD.replace('id: big_payment', 'id: undeclared').replace('where amount >= $min_amount', 'where amount >= $min_amount and amount < $max_amount'));
    const e = await userErrorOf(() => loadCatalog([f]));
    expect(e.diagnostics[0]).toMatchObject({ code: 'rule.param_undeclared', at: { file: f, line: 19 } });
    expect(e.diagnostics[0].en).toContain('$max_amount');
    const unused = ruleFile('unused', GOOD.replace('id: big_payment', 'id: unused').replace('where amount >= $min_amount', ''));
    expect((await userErrorOf(() => loadCatalog([unused]))).diagnostics[0]).toMatchObject({ code: 'rule.param_unused', at: { file: unused, line: 8 } });
    const pos = ruleFile('positional', GOOD.replace('id: big_payment', 'id: positional').replace('$min_amount', '$min_amount and amount > ?'));
    expect((await userErrorOf(() => loadCatalog([pos]))).diagnostics.map((d) => d.code)).toContain('rule.positional_param');
  });

  it('a $ inside a string or comment is not a parameter', () => {
    const f = ruleFile('dollar_text', GOOD.replace('id: big_payment', 'id: dollar_text').replace("'单笔大额补贴'", "'$not_a_param' -- $nor_this\n || '单笔大额补贴'"));
    expect(loadCatalog([f]).some((r) => r.id === 'dollar_text')).toBe(true);
  });

  it('SQL errors name the file', async () => {
    const f = ruleFile('syntax_error', GOOD.replace('id: big_payment', 'id: syntax_error').replace('group by id_number', 'group by id_numbr'));
    const rules = loadCatalog([f]).filter((r) => r.id === 'syntax_error');
    await loadGiven(db, {});
    const e = await userErrorOf(runRules(db, rules, config([f])));
    // the typo is on line 20 of the rule file; DuckDB counts the wrapped statement, one line more
    expect(e.diagnostics[0]).toMatchObject({ code: 'rule.sql_error', at: { file: f, line: 20 } });
    expect(e.diagnostics[0].en).toContain('line 20 of the rule file');
    expect(e.diagnostics[0].en).toMatch(/\nLINE 20: group by id_numbr *\n {18}\^/);
    expect(e.diagnostics[0].zh).toContain('规则文件第 20 行');
  });

  it('engine LINE numbers become file lines, the caret staying under the same character', () => {
    expect(toFileLines('Parser Error: syntax error at or near "x"\n\nLINE 100: select x\n                 ^')).toEqual({
      message: 'Parser Error: syntax error at or near "x"\n\nLINE 99: select x\n                ^',
      line: 99,
    });
    expect(toFileLines('Binder Error: no LINE here')).toEqual({ message: 'Binder Error: no LINE here', line: undefined });
  });

  it('bad output shape: no subject_key, unknown column, duplicate subject', async () => {
    const noKey = ruleFile('no_key', GOOD.replace('id: big_payment', 'id: no_key').replace('id_number as subject_key', 'id_number as subject'));
    const dup = ruleFile('dup_key', GOOD.replace('id: big_payment', 'id: dup_key').replace('group by id_number', 'group by id_number, name'));
    await loadGiven(db, {
      subsidy: [
        { id_number: 'A', name: '甲', subsidy_type: 'x', amount: 2000, pay_date: '2023-01-01' },
        { id_number: 'A', name: '乙', subsidy_type: 'x', amount: 2000, pay_date: '2023-01-01' },
      ],
    });
    const catalog = loadCatalog([noKey, dup]);
    const e1 = await userErrorOf(runRules(db, catalog.filter((r) => r.id === 'no_key'), config([])));
    expect(e1.diagnostics[0]).toMatchObject({ code: 'rule.bad_output', at: { file: noKey } });
    expect(e1.diagnostics[0].en).toContain('subject');
    const e2 = await userErrorOf(runRules(db, catalog.filter((r) => r.id === 'dup_key'), config([])));
    expect(e2.diagnostics[0]).toMatchObject({ code: 'rule.bad_output', at: { file: dup } });
    expect(e2.diagnostics[0].en).toContain('"A"');
  });

  it('preflight reports every broken custom rule at once, before any data is loaded', async () => {
    const a = ruleFile('pre_a', GOOD.replace('id: big_payment', 'id: pre_a').replace('from subsidy', 'from subsidies'));
    const b = ruleFile('pre_b', GOOD.replace('id: big_payment', 'id: pre_b').replace('group by id_number', 'group by id_numbr'));
    const ok = ruleFile('pre_ok', GOOD.replace('id: big_payment', 'id: pre_ok'));
    const catalog = loadCatalog([a, b, ok]);
    const e = await userErrorOf(preflightRules(catalog.filter((r) => r.id.startsWith('pre_')), config([])));
    expect(e.diagnostics.map((d) => d.at?.file)).toEqual([a, b]);
    await preflightRules(catalog.filter((r) => r.builtin || r.id === 'pre_ok'), config([]));
  });

  it('an id clashing with a built-in rule is an error', async () => {
    const f = ruleFile('deceased_payment', GOOD.replace('id: big_payment', 'id: deceased_payment'));
    expect((await userErrorOf(() => loadCatalog([f]))).diagnostics[0]).toMatchObject({ code: 'rule.duplicate_id', at: { file: f } });
  });
});

describe('rule runs', () => {
  it('records skipped rules in rule_runs and fails a built-in rule loudly as an internal error', async () => {
    const catalog = loadCatalog([]);
    const sel = selectRules(catalog, config([], { include: ['deceased_payment', 'dibao_vehicle'] }), new Set(['subsidy', 'death', 'dibao']));
    await loadGiven(db, {});
    const runs = await runRules(db, sel, config([]));
    expect(runs.map((r) => [r.rule_id, r.status])).toEqual([
      ['deceased_payment', 'ran'],
      ['dibao_vehicle', 'skipped'],
    ]);
    const rr = await db.all<{ rule_id: string; status: string; note: string | null; params: string; source_file: string }>(
      `select rule_id, status, note, cast(params as varchar) as params, source_file from rule_runs order by rule_id`,
    );
    expect(rr[0]).toMatchObject({ rule_id: 'deceased_payment', status: 'ran', params: '{"grace_days":31}', source_file: 'sql/rules/phantom_claim/deceased_payment.sql' });
    expect(rr[1].status).toBe('skipped');
    expect(rr[1].note).toContain('vehicle');
    const broken = { ...catalog.find((r) => r.id === 'deceased_payment')!, sql: 'select no_such_column as subject_key from subsidy' };
    await expect(runRules(db, [broken], config([]))).rejects.toThrow(/rule deceased_payment failed: .*no_such_column.*deceased_payment\.sql/s);
    await expect(runRules(db, [broken], config([]))).rejects.not.toBeInstanceOf(UserError);
  });
});

describe('rule selection from the pipeline', () => {
  const catalog = loadCatalog([]);
  const present = new Set(['subsidy', 'death', 'dibao']);

  it('defaults to every rule whose tables are present, and skips the others with a notice', () => {
    const sel = selectRules(catalog, config([]), present);
    expect(sel.selected.map((r) => r.id)).toContain('deceased_payment');
    expect(sel.selected.map((r) => r.id)).not.toContain('dibao_vehicle');
    const skipped = sel.skipped.find((s) => s.rule.id === 'dibao_vehicle')!;
    expect(skipped.reason_zh).toContain('vehicle');
    expect(sel.diagnostics.find((d) => d.code === 'rule.skipped_missing_table' && d.en.includes('dibao_vehicle'))?.level).toBe('warning');
  });

  it('include by category and id, exclude by id', () => {
    const sel = selectRules(catalog, config([], { include: ['phantom_claim', 'dibao_vehicle'], exclude: ['invalid_id'] }), new Set(['subsidy', 'death', 'dibao', 'vehicle', 'land']));
    const ids = sel.selected.map((r) => r.id);
    expect(ids).toContain('deceased_payment');
    expect(ids).toContain('dibao_vehicle');
    expect(ids).not.toContain('invalid_id');
    expect(ids).not.toContain('dibao_property');
  });

  it('unknown ids/categories, unknown rules in params, undeclared and wrongly typed params: all reported with YAML lines', () => {
    const e = (() => {
      try {
        selectRules(
          catalog,
          config([], {
            include: ['phantom_claims'],
            exclude: ['no_such_rule'],
            params: { deceased_paymnt: { grace_days: 1 }, deceased_payment: { grace_days: 'thirty', grace: 3 }, duplicate_payment: {} },
            paramLines: { 'params.deceased_paymnt': 9, 'params.deceased_payment.grace_days': 11, 'params.deceased_payment.grace': 12, include: 3, exclude: 4 },
          }),
          present,
          { file: 'p.yaml' },
        );
      } catch (x) {
        return x as UserError;
      }
      throw new Error('expected an error');
    })();
    expect(e).toBeInstanceOf(UserError);
    const byCode = e.diagnostics.map((d) => [d.code, d.at?.line, d.at?.file]);
    expect(byCode).toEqual(
      expect.arrayContaining([
        ['pipeline.unknown_rule', 3, 'p.yaml'],
        ['pipeline.unknown_rule', 4, 'p.yaml'],
        ['pipeline.unknown_rule', 9, 'p.yaml'],
        ['rule.param_type', 11, 'p.yaml'],
        ['rule.unknown_param', 12, 'p.yaml'],
      ]),
    );
    expect(e.diagnostics.find((d) => d.at?.line === 9)!.zh).toContain('deceased_payment');
    expect(e.diagnostics.find((d) => d.at?.line === 3)!.zh).toContain('phantom_claim');
  });

  it('checks parameter bounds and list types', () => {
    const bad = (params: Record<string, Record<string, unknown>>) => {
      try {
        selectRules(catalog, config([], { params }), present);
        return [];
      } catch (x) {
        return (x as UserError).diagnostics.map((d) => d.code);
      }
    };
    expect(bad({ deceased_payment: { grace_days: -1 } })).toEqual(['rule.param_type']);
    expect(bad({ deceased_payment: { grace_days: 1.5 } })).toEqual(['rule.param_type']);
    expect(bad({ dibao_vehicle: { exempt_types: '摩托车' } })).toEqual(['rule.param_type']);
    expect(bad({ dibao_vehicle: { exempt_types: ['摩托车'] } })).toEqual([]);
  });
});
