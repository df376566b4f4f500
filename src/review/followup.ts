/**
 * 回头看 (SPEC §2.6): a run made with `--previous DIR` (or `previous:` in the pipeline) compares its leads with the
 * earlier run's leads and current reviews, by lead_id (a stable fingerprint of rule_id + subject_key):
 *  - `followup` table and followup.csv: one row per lead_id in either run — 新发现 (only now), 仍存在 (in both),
 *    已消失 (only before), and 整改不到位 instead of 仍存在 when the earlier status was 已整改;
 *    previous_status is the earlier run's current status (未核查 when never reviewed; empty for 新发现);
 *  - the earlier current review of every lead still present is carried into this run's `reviews` (source_file =
 *    the earlier run's folder, source_row NULL), so the new working paper starts where the teams left off.
 * Before the run reads any data, `checkBeforeRun` refuses when that would lose typed work: an earlier or replaced
 * run folder whose leads.xlsx holds 核查 values not imported, or an output folder whose database holds imported
 * reviews that the new run would replace without carrying them.
 */
import { createReadStream, createWriteStream, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Db } from '../db/connection.js';
import { quoteLiteral } from '../db/quote.js';
import { UserError, diag, userError, type Diagnostic } from '../errors.js';
import { formulaGuardSql } from '../outputs/leads-csv.js';
import { unimportedWork } from './guard.js';
import { DEFAULT_STATUS, FOLLOWUP_DDL, FOLLOWUP_VALUES, currentReviewsSql } from './model.js';

const PREV = 'xc_previous_run';

async function hasTable(db: Db, catalog: string, table: string): Promise<boolean> {
  return Number(await db.scalar(`select count(*) from information_schema.tables where table_catalog = $c and table_name = $t`, { c: catalog, t: table }, 'table exists')) > 0;
}

async function attach(db: Db, dir: string, as: string): Promise<void> {
  const file = join(dir, 'xuncha.duckdb');
  if (!existsSync(file)) {
    throw userError(
      'previous.not_found',
      `在 ${dir} 中找不到 xuncha.duckdb：--previous / previous: 应指向之前一次运行的输出目录。`,
      `No xuncha.duckdb in ${dir}: --previous / previous: must point at an earlier run's output folder.`,
      { file: dir },
    );
  }
  try {
    await db.run(`attach ${quoteLiteral(file)} as ${as} (read_only)`, undefined, 'attach earlier run');
  } catch (e) {
    throw userError(
      'previous.unreadable',
      `无法打开之前的运行数据库 ${file}（${(e as Error).message.split('\n')[0]}）。请确认没有其他程序正在使用它。`,
      `Cannot open the earlier run's database ${file} (${(e as Error).message.split('\n')[0]}). Make sure no other program has it open.`,
      { file },
    );
  }
}

/** Refuse, before any data is read, a run that would lose typed work (see the file header). */
export async function checkBeforeRun(outDir: string, previousDir: string | undefined): Promise<void> {
  const out = resolve(outDir);
  const prev = previousDir ? resolve(previousDir) : undefined;
  const problems: Diagnostic[] = [];
  const db = await Db.open(':memory:');
  try {
    if (prev) {
      await attach(db, prev, PREV);
      if (!(await hasTable(db, PREV, 'leads')))
        problems.push(
          diag('previous.no_leads', `之前的运行 ${prev} 没有线索表（leads），无法回头看。`, `The earlier run ${prev} has no leads table to compare with.`, { file: prev }),
        );
      else problems.push(...(await unimportedWork(db, prev, { catalog: PREV, command: 'xuncha run … --previous' })));
      await db.run(`detach ${PREV}`);
    }
    if (existsSync(join(out, 'xuncha.duckdb')) && out !== prev) {
      await attach(db, out, 'xc_replaced_run');
      if (await hasTable(db, 'xc_replaced_run', 'reviews')) {
        const n = Number(await db.scalar(`select count(distinct lead_id) from xc_replaced_run.reviews where source_row is not null`, undefined, 'imported reviews'));
        if (n > 0)
          problems.push(
            diag(
              'run.would_lose_reviews',
              `输出目录 ${out} 中的运行已导入 ${n} 条线索的核查结果，重新运行会用新数据库替换它们。请换一个输出目录（--out）并加 --previous ${out} 带入这些结果；或者加 --previous ${out} 在原目录重跑（核查结果会带入新的运行）。`,
              `The run in ${out} holds imported review results for ${n} lead(s); running again would replace its database. Use another output folder (--out) with --previous ${out}, or add --previous ${out} to re-run in place and carry the results forward.`,
              { file: out },
            ),
          );
      }
      if (await hasTable(db, 'xc_replaced_run', 'leads')) problems.push(...(await unimportedWork(db, out, { catalog: 'xc_replaced_run', command: 'xuncha run' })));
      await db.run(`detach xc_replaced_run`);
    }
  } finally {
    db.close();
  }
  if (problems.length) throw new UserError(problems);
}

export interface FollowupSummary {
  counts: Record<string, number>;
  carried: number;
}

const PREV_LEADS = '_x_prev_leads';
const PREV_STATUS = '_x_prev_status';

/**
 * Copies what 回头看 needs of the earlier run (its leads and their current statuses) into this run's database.
 * Called before the rule sandbox closes file access (db/sandbox.ts): afterwards no other database can be attached.
 */
export async function loadPrevious(db: Db, previousDir: string): Promise<void> {
  const prev = resolve(previousDir);
  await attach(db, prev, PREV);
  try {
    const prevStatus = (await hasTable(db, PREV, 'reviews'))
      ? `(${currentReviewsSql(`${PREV}.reviews`)})`
      : `(select NULL::VARCHAR as lead_id, NULL::VARCHAR as status, NULL::VARCHAR as result, NULL::VARCHAR as reviewer, NULL::DATE as reviewed_on where false)`;
    await db.run(
      `create or replace table ${PREV_LEADS} as select lead_id, rule_id, rule_name, subject_key, town, village, unit from ${PREV}.leads`,
      undefined,
      'copy earlier leads',
    );
    await db.run(`create or replace table ${PREV_STATUS} as select lead_id, status, result, reviewer, reviewed_on from ${prevStatus}`, undefined, 'copy earlier statuses');
  } finally {
    await db.run(`detach ${PREV}`);
  }
}

/** Builds `followup` and carries the earlier statuses into `reviews` (which must exist); loadPrevious first. */
export async function compareWithPrevious(db: Db, previousDir: string, importedAt: Date = new Date()): Promise<FollowupSummary> {
  const prev = resolve(previousDir);
  if (!(await db.tableExists(PREV_LEADS))) await loadPrevious(db, prev);
  await db.run(FOLLOWUP_DDL, undefined, 'create followup');
  await db.run(
    `insert into followup
     select coalesce(c.lead_id, p.lead_id), coalesce(c.rule_id, p.rule_id), coalesce(c.subject_key, p.subject_key),
            case when p.lead_id is null then NULL else coalesce(s.status, '${DEFAULT_STATUS}') end,
            p.lead_id is not null, c.lead_id is not null,
            case when p.lead_id is null then '新发现' when c.lead_id is null then '已消失'
                 when s.status = '已整改' then '整改不到位' else '仍存在' end,
            coalesce(c.rule_name, p.rule_name), coalesce(c.town, p.town), coalesce(c.village, p.village), coalesce(c.unit, p.unit),
            $dir
     from leads as c
     full outer join ${PREV_LEADS} as p on p.lead_id = c.lead_id
     left join ${PREV_STATUS} as s on s.lead_id = p.lead_id`,
    { dir: prev },
    'followup',
  );
  const ts = importedAt.toISOString().replace('T', ' ').replace('Z', '');
  await db.run(
    `insert into reviews
     select s.lead_id, s.status, s.result, s.reviewer, s.reviewed_on, $dir, NULL, $ts::TIMESTAMP
     from ${PREV_STATUS} as s join leads as c using (lead_id)`,
    { dir: prev, ts },
    'carry reviews',
  );
  await db.run(`drop table ${PREV_LEADS}; drop table ${PREV_STATUS}`, undefined, 'drop earlier copies');
  const carried = Number(await db.scalar(`select count(*) from reviews where source_file = $dir and source_row is null`, { dir: prev }, 'carried'));
  const counts = Object.fromEntries(
    (await db.all<{ f: string; n: string }>(`select followup as f, count(*) as n from followup group by all`, undefined, 'followup counts')).map((r) => [r.f, Number(r.n)]),
  );
  return { counts, carried };
}

/** the temporary body writeFollowupCsv COPYs to (allowed in the rule sandbox) */
export function followupCsvBodyPath(file: string): string {
  return `${file}.body.tmp`;
}

export const FOLLOWUP_CSV_COLUMNS = ['lead_id', 'rule_id', 'subject_key', 'previous_status', 'in_previous', 'in_current', 'followup'] as const;

/** followup.csv: UTF-8 with BOM, CRLF, the SPEC columns; 整改不到位 first, then by rule, subject and id. */
export async function writeFollowupCsv(db: Db, file: string): Promise<void> {
  const rank = `case followup ${FOLLOWUP_VALUES.map((v, i) => `when '${v}' then ${i}`).join(' ')} else 9 end`;
  const body = followupCsvBodyPath(file);
  try {
    await db.run(
      `copy (select lead_id, rule_id, ${formulaGuardSql('subject_key')} as subject_key, previous_status,
                    case when in_previous then 'true' else 'false' end as in_previous,
                    case when in_current then 'true' else 'false' end as in_current, followup
             from followup order by ${rank}, rule_id, subject_key, lead_id)
       to ${quoteLiteral(body)} (format csv, header true, delimiter ',', quote '"', escape '"', new_line '\\r\\n')`,
      undefined,
      'write followup.csv',
    );
    const out = createWriteStream(file);
    out.write('\uFEFF');
    await pipeline(createReadStream(body), out);
  } finally {
    rmSync(body, { force: true });
  }
}
