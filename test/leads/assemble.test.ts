import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.js';
import { InternalError } from '../../src/errors.js';
import { LEAD_COLUMNS, assembleLeads } from '../../src/leads/assemble.js';
import { leadId } from '../../src/leads/lead-id.js';
import { score } from '../../src/leads/score.js';
import { fakeRule, loadFindings } from './fixture.js';

let db: Db;
beforeAll(async () => {
  db = await Db.open(':memory:', { threads: 1 });
});
afterAll(() => db?.close());

const rules = [fakeRule('dibao_vehicle', 'relationship_benefit', 'high'), fakeRule('deceased_payment', 'phantom_claim', 'high'), fakeRule('large_cash', 'finance', 'low'), fakeRule('dibao_cadre_relative', 'relationship_benefit', 'high')];

describe('assembleLeads', () => {
  it('builds leads with exactly the SPEC §5 columns and types', async () => {
    await loadFindings(db, [{ rule_id: 'dibao_vehicle', subject_key: 'ID-1', amount: '7200.00' }]);
    await assembleLeads(db, rules);
    const cols = await db.all<{ column_name: string; data_type: string }>(
      `select column_name, data_type from information_schema.columns where table_name = 'leads' order by ordinal_position`,
    );
    expect(cols.map((c) => c.column_name)).toEqual([...LEAD_COLUMNS]);
    expect(Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]))).toMatchObject({
      score: 'INTEGER',
      amount: 'DECIMAL(18,2)',
      period_start: 'DATE',
      evidence: 'VARCHAR',
    });
  });

  it('lead_id is the stable fingerprint of (rule_id, subject_key)', async () => {
    await loadFindings(db, [
      { rule_id: 'dibao_vehicle', subject_key: 'ID-1' },
      { rule_id: 'large_cash', subject_key: '县民政局|2023-03|记-12' },
    ]);
    await assembleLeads(db, rules);
    const rows = await db.all<{ lead_id: string; rule_id: string; subject_key: string }>(`select lead_id, rule_id, subject_key from leads`);
    for (const r of rows) expect(r.lead_id).toBe(leadId(r.rule_id, r.subject_key));
    expect(leadId('dibao_vehicle', 'ID-1')).toMatch(/^[0-9a-f]{16}$/);
    expect(leadId('dibao_vehicle', 'ID-1')).toBe(leadId('dibao_vehicle', 'ID-1'));
    expect(leadId('dibao_vehicle', 'ID-1')).not.toBe(leadId('dibao_vehicle', 'ID-2'));
  });

  it('scores by severity, amount (log scale) and corroborating rules, and sorts by score desc then lead_id', async () => {
    await loadFindings(db, [
      { rule_id: 'dibao_vehicle', subject_key: 'P1', household_key: 'H1', amount: '7200.00' },
      { rule_id: 'dibao_cadre_relative', subject_key: 'P2', household_key: 'H1', amount: '100.00' },
      { rule_id: 'deceased_payment', subject_key: 'P1', amount: '0' },
      { rule_id: 'large_cash', subject_key: 'U|2023-01|1', amount: '50000.00' },
      { rule_id: 'large_cash', subject_key: 'U|2023-01|2', amount: '50000.00' },
    ]);
    await assembleLeads(db, rules);
    const rows = await db.all<{ lead_id: string; rule_id: string; subject_key: string; score: number }>(`select lead_id, rule_id, subject_key, score from leads`);
    const get = (rule: string, key: string) => rows.find((r) => r.rule_id === rule && r.subject_key === key)!.score;
    // P1: dibao_vehicle + deceased_payment on the subject, dibao_cadre_relative on the household → 3 rules
    expect(get('dibao_vehicle', 'P1')).toBe(score('high', 7200, 3));
    expect(get('deceased_payment', 'P1')).toBe(score('high', 0, 2));
    expect(get('dibao_cadre_relative', 'P2')).toBe(score('high', 100, 2));
    expect(get('large_cash', 'U|2023-01|1')).toBe(score('low', 50000, 1));
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1];
      const b = rows[i];
      expect(a.score > b.score || (a.score === b.score && a.lead_id < b.lead_id)).toBe(true);
    }
    expect(score('high', 1e12, 10)).toBe(100);
    expect(score('low', null, 1)).toBe(20);
  });

  it("uses a finding's severity override (variant) and defaults evidence to []", async () => {
    await loadFindings(db, [{ rule_id: 'dibao_cadre_relative', subject_key: 'S1', severity: 'medium' }, { rule_id: 'dibao_cadre_relative', subject_key: 'S2' }]);
    await assembleLeads(db, rules);
    const rows = await db.all<{ subject_key: string; severity: string; evidence: string; rule_name: string; category: string }>(
      `select subject_key, severity, evidence, rule_name, category from leads order by subject_key`,
    );
    expect(rows).toEqual([
      { subject_key: 'S1', severity: 'medium', evidence: '[]', rule_name: '规则dibao_cadre_relative', category: 'relationship_benefit' },
      { subject_key: 'S2', severity: 'high', evidence: '[]', rule_name: '规则dibao_cadre_relative', category: 'relationship_benefit' },
    ]);
  });

  it('fails loudly when a rule emitted two findings for one subject', async () => {
    await loadFindings(db, [
      { rule_id: 'dibao_vehicle', subject_key: 'DUP' },
      { rule_id: 'dibao_vehicle', subject_key: 'DUP' },
    ]);
    await expect(assembleLeads(db, rules)).rejects.toBeInstanceOf(InternalError);
  });

  it('gives the same leads for the same findings (deterministic)', async () => {
    const f = [
      { rule_id: 'large_cash', subject_key: 'A', amount: '1.00' },
      { rule_id: 'large_cash', subject_key: 'B', amount: '1.00' },
      { rule_id: 'large_cash', subject_key: 'C', amount: '1.00' },
    ];
    await loadFindings(db, f);
    await assembleLeads(db, rules);
    const a = await db.all(`select * from leads`);
    await loadFindings(db, [...f].reverse());
    await assembleLeads(db, rules);
    const b = await db.all(`select * from leads`);
    expect(b).toEqual(a);
  });
});
