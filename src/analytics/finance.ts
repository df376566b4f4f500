/**
 * Voucher analytics for the report (src/README.md, "finance analytics"): Benford first-digit test per unit and its
 * MAD with Nigrini's conformity label, expense by month, expense by category, top counterparties. All computed in
 * SQL (`sql/analytics/finance_*.sql`, run in file-name order); the voucher model is the one the finance rules use
 * (`xc_fin_lines` in sql/macros/finance.sql), so "expense" means the same thing in the report and in the leads.
 *
 * No-op when the run has no voucher table or it is empty: the report then shows no finance charts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connection.js';
import { PROJECT_ROOT, installMacros } from '../normalize/macros.js';

export const FINANCE_ANALYTICS_DIR = join(PROJECT_ROOT, 'sql', 'analytics');

export const FINANCE_ANALYTICS_TABLES = [
  'analytics_benford',
  'analytics_benford_mad',
  'analytics_expense_month',
  'analytics_expense_category',
  'analytics_top_counterparty',
] as const;

/** The SQL files, in the order they run. */
export function financeAnalyticsFiles(): string[] {
  return readdirSync(FINANCE_ANALYTICS_DIR)
    .filter((f) => f.startsWith('finance_') && f.endsWith('.sql'))
    .sort();
}

export async function buildFinanceAnalytics(db: Db): Promise<void> {
  if (!(await db.tableExists('voucher'))) return;
  const rows = Number(await db.scalar(`select count(*) from voucher`, undefined, 'finance analytics: voucher rows'));
  if (!rows) return;
  const installed = Number(
    await db.scalar(`select count(*) from duckdb_functions() where function_name = 'xc_fin_lines'`, undefined, 'finance analytics: macros'),
  );
  if (!installed) await installMacros(db);
  try {
    for (const f of financeAnalyticsFiles()) {
      await db.run(readFileSync(join(FINANCE_ANALYTICS_DIR, f), 'utf8'), undefined, `finance analytics ${f}`);
    }
  } finally {
    await db.run(`drop table if exists _x_fin_expense`, undefined, 'finance analytics: cleanup');
  }
}
