/**
 * Ground truth: one row per planted lead (rule_id, subject_key, amount). Amounts are either fixed cents or
 * the tally of the payout rows that matched the entry's tag (see payouts.ts), resolved after writing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { yuan } from './random.js';

export const RULE_IDS = [
  'dibao_vehicle', 'dibao_property', 'dibao_public_employee', 'dibao_business', 'dibao_cadre_relative',
  'deceased_payment', 'duplicate_payment', 'shared_account', 'account_name_mismatch', 'invalid_id',
  'grain_area_excess', 'age_ineligible',
  'no_procurement', 'split_purchase', 'no_official_card', 'irregular_allowance', 'special_fund_diversion',
  'duplicate_voucher', 'large_cash',
  'payroll_deceased', 'payroll_double',
  'related_supplier',
  'year_end_rush', 'stale_receivable', 'cash_receipt_spent',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

interface Entry {
  rule: RuleId;
  subject: () => string;
  cents?: number;
  fromTally?: boolean;
  note: string;
}

export class Truth {
  private entries: Entry[] = [];
  /** a lead whose amount is fixed */
  fixed(rule: RuleId, subject: string | (() => string), cents: number, note: string): void {
    this.entries.push({ rule, subject: typeof subject === 'string' ? () => subject : subject, cents, note });
  }
  /** a lead whose amount is the tally of payout rows tagged `key(rule, subject)` */
  tallied(rule: RuleId, subject: string, note: string): string {
    this.entries.push({ rule, subject: () => subject, fromTally: true, note });
    return tagKey(rule, subject);
  }
  rows(tally: Map<string, number>): { rule: string; subject: string; cents: number; note: string }[] {
    const out = this.entries.map((e) => {
      const subject = e.subject();
      const cents = e.fromTally ? (tally.get(tagKey(e.rule, subject)) ?? 0) : (e.cents ?? 0);
      return { rule: e.rule as string, subject, cents, note: e.note };
    });
    out.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
    for (let i = 1; i < out.length; i++) {
      if (out[i].rule === out[i - 1].rule && out[i].subject === out[i - 1].subject) throw new Error(`duplicate truth row ${out[i].rule} ${out[i].subject}`);
    }
    return out;
  }
  write(outDir: string, tally: Map<string, number>): number {
    const rows = this.rows(tally);
    const lines = ['rule_id,subject_key,amount'];
    for (const r of rows) lines.push(`${r.rule},${csvCell(r.subject)},${yuan(r.cents)}`);
    writeFileSync(join(outDir, 'truth.csv'), lines.join('\n') + '\n');
    return rows.length;
  }
}

export function tagKey(rule: string, subject: string): string {
  return `${rule}|${subject}`;
}
function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
