/**
 * A small run database for working-paper tests: five leads of three rules with fixed subject keys, so their
 * lead_ids are the same every time (the committed LibreOffice fixtures in fixtures/ key on them), plus the tables a
 * run leaves (rule_runs, runs, reviews).
 */
import { Db } from '../../src/db/connection.js';
import { assembleLeads } from '../../src/leads/assemble.js';
import { leadId } from '../../src/leads/lead-id.js';
import { installMacros } from '../../src/normalize/macros.js';
import { ensureReviewTables } from '../../src/review/model.js';
import { fakeRule, loadFindings, recordRuleRuns, type F } from '../leads/fixture.js';

export const RULES = [
  fakeRule('dibao_vehicle', 'relationship_benefit', 'high', { assumptions: ['假设A'], exclusions: ['排除摩托车'] }),
  fakeRule('deceased_payment', 'phantom_claim', 'high'),
  fakeRule('large_cash', 'finance', 'low'),
];

export const FINDINGS: F[] = [
  { rule_id: 'dibao_vehicle', subject_key: '110101199003078670', subject_name: '张三', town: '城关镇', village: '东村', amount: '7200.00', period_start: '2023-01-01', period_end: '2023-12-31', description: '低保对象张三名下登记小型轿车1辆。' },
  { rule_id: 'dibao_vehicle', subject_key: '11010519491231002X', subject_name: '李四', town: '城关镇', village: '西村', amount: '3600.00', period_start: '2022-05-01', period_end: '2023-04-30', description: '低保对象李四名下登记小型轿车1辆。' },
  { rule_id: 'deceased_payment', subject_key: '320922195003151234', subject_name: '王五', town: '八巨镇', village: '八巨村', amount: '1200.00', period_start: '2023-03-01', period_end: '2023-08-01', description: '王五死亡后仍领取补贴。' },
  { rule_id: 'deceased_payment', subject_key: '320922196001011235', subject_name: '赵六', town: '八巨镇', village: '新舍村', amount: '600.00', period_start: '2023-06-01', period_end: '2023-07-01', description: '赵六死亡后仍领取补贴。' },
  { rule_id: 'large_cash', subject_key: '县民政局|2023-03|记-12', unit: '县民政局', amount: '80000.00', period_start: '2023-03-15', period_end: '2023-03-15', description: '大额现金支付80,000.00元。' },
];

export const IDS = {
  zhang: leadId('dibao_vehicle', '110101199003078670'),
  li: leadId('dibao_vehicle', '11010519491231002X'),
  wang: leadId('deceased_payment', '320922195003151234'),
  zhao: leadId('deceased_payment', '320922196001011235'),
  cash: leadId('large_cash', '县民政局|2023-03|记-12'),
};

export async function buildRunDb(file: string): Promise<Db> {
  const db = await Db.open(file, { threads: 1 });
  await installMacros(db);
  await loadFindings(db, FINDINGS);
  await assembleLeads(db, RULES);
  await recordRuleRuns(db, RULES, { dibao_vehicle: 2, deceased_payment: 2, large_cash: 1 });
  await db.run(`create or replace table runs (run_id VARCHAR, tool_version VARCHAR, pipeline_file VARCHAR, pipeline_name VARCHAR,
      report_title VARCHAR, mask_ids BOOLEAN, started_at TIMESTAMP, finished_at TIMESTAMP, manifest JSON)`);
  await db.run(`insert into runs values ('r1', 'test', 'p.yaml', '测试', '测试报告', true, '2024-01-01 00:00:00', '2024-01-01 00:01:00', '{}')`);
  await ensureReviewTables(db);
  return db;
}

export async function reviewsOf(db: Db): Promise<Record<string, unknown>[]> {
  return db.all(`select lead_id, status, result, reviewer, cast(reviewed_on as varchar) as reviewed_on, source_file, source_row from reviews order by lead_id, imported_at`);
}

export async function currentOf(db: Db): Promise<Record<string, { status: string; result: string | null; reviewer: string | null; reviewed_on: string | null }>> {
  const rows = await db.all<{ lead_id: string; status: string; result: string | null; reviewer: string | null; reviewed_on: string | null }>(
    `select lead_id, status, result, reviewer, cast(reviewed_on as varchar) as reviewed_on from lead_status order by lead_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.lead_id, { status: r.status, result: r.result, reviewer: r.reviewer, reviewed_on: r.reviewed_on }]));
}
