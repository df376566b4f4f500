/**
 * Dev cross-check (not a test): `npx tsx test/generate/rules-crosscheck.ts DIR`
 * Loads a generated folder with the naive oracle reader (no product ingest), normalizes it with the product's
 * xc_* macros into the canonical tables, runs the product's rule catalog and diffs the findings with
 * DIR/truth.csv. Tells rule authors which planted leads they miss and which extra leads they emit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { Db } from '../../src/db/connection.js';
import { installMacros } from '../../src/normalize/macros.js';
import { TABLES, createTableSql, canonicalColumns, hasPersonId, type CanonicalTableName } from '../../src/schema/canonical-tables.js';
import { loadCatalog } from '../../src/rules/catalog.js';
import { runRules } from '../../src/rules/run-rules.js';
import { loadGenerated } from './oracle.js';

export async function crossCheck(dir: string, dbPath = ':memory:'): Promise<{ got: string[]; truth: string[]; extra: string[]; missing: string[] }> {
const data = await loadGenerated(dir);
const db = await Db.open(dbPath);
await installMacros(db);
const tmp = mkdtempSync(join(tmpdir(), 'xc-cross-'));
for (const [table, rows] of Object.entries(data) as [CanonicalTableName, Record<string, string>[]][]) {
  const spec = TABLES[table];
  const names = [...spec.fields, ...(spec.alternates ?? [])].map((f) => f.name);
  const f = join(tmp, `${table}.csv`);
  writeFileSync(f, Papa.unparse({ fields: names, data: rows.map((r) => names.map((n) => r[n] ?? '')) }));
  const colSpec = names.map((n) => `'${n}': 'VARCHAR'`).join(', ');
  await db.run(`create table raw_${table} as select row_number() over () as _rn, * from read_csv('${f}', header=true, auto_detect=false, delim=',', quote='"', escape='"', columns={${colSpec}}, parallel=false)`);
  const has = new Set(names.filter((n) => rows.some((r) => r[n])));
  const expr = (n: string): string => {
    const fs = spec.fields.find((x) => x.name === n);
    const col = `"${n}"`;
    if (table === 'voucher' && (n === 'debit' || n === 'credit'))
      return `coalesce(xc_parse_money("${n}"), case when trim(direction) = '${n === 'debit' ? '借' : '贷'}' then xc_parse_money(amount) end, 0)`;
    if (!fs || !has.has(n)) return (n === 'debit' || n === 'credit') ? '0' : 'NULL';
    switch (fs.type) {
      case 'id': return `xc_norm_id(${col})`;
      case 'name': return `xc_norm_name(${col})`;
      case 'date': return `xc_parse_date(${col})`;
      case 'money': return `coalesce(xc_parse_money(${col}), ${n === 'debit' || n === 'credit' ? '0' : 'NULL'})`;
      case 'number': return `xc_parse_number(${col})`;
      case 'account': return `xc_norm_account(${col})`;
      case 'month': return `xc_parse_month(${col})`;
      default: return `nullif(trim(${col}), '')`;
    }
  };
  await db.run(createTableSql(table, { orReplace: true }));
  const cols = canonicalColumns(table).map((c) => {
    if (spec.fields.some((x) => x.name === c.name)) return `${expr(c.name)} as "${c.name}"`;
    if (hasPersonId(table)) {
      const id = `xc_norm_id(id_number)`;
      if (c.name === 'id_valid') return `coalesce(xc_id_valid(${id}), false)`;
      if (c.name === 'birth_date') return `xc_id_birth(${id})`;
      if (c.name === 'sex') return `xc_id_sex(${id})`;
      if (c.name === 'region_code') return `case when xc_id_valid(${id}) then substr(${id}, 1, 6) end`;
    }
    if (c.name === '_source_file') return `'${table}'`;
    if (c.name === '_source_row') return `cast(_rn as integer)`;
    return `NULL`;
  });
  await db.run(`insert into "${table}" select ${cols.join(', ')} from raw_${table}`);
}
const catalog = loadCatalog();
await runRules(db, catalog, { include: ['all'], exclude: [], params: {}, custom: [] });
const found = await db.all<{ rule_id: string; subject_key: string; amount: string }>(`select rule_id, subject_key, cast(amount as varchar) as amount from findings`);
const got = found.map((r) => `${r.rule_id},${r.subject_key},${Number(r.amount ?? 0).toFixed(2)}`).sort();
const truth = readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n').slice(1).sort();
const extra = got.filter((g) => !truth.includes(g));
const missing = truth.filter((g) => !got.includes(g));
console.log(`product rules: ${got.length} findings, truth ${truth.length}; extra ${extra.length}, missing ${missing.length}`);
db.close();
rmSync(tmp, { recursive: true, force: true });
return { got, truth, extra, missing };
}

if (process.argv[1] && process.argv[1].endsWith('rules-crosscheck.ts')) {
const { got, truth, extra, missing } = await crossCheck(process.argv[2], process.argv[3]);
const byRule = (l: string[]) => Object.entries(l.reduce<Record<string, number>>((a, x) => ((a[x.split(',')[0]] = (a[x.split(',')[0]] ?? 0) + 1), a), {}));
console.log('extra by rule', byRule(extra), 'missing by rule', byRule(missing));
for (const e of extra.slice(0, 60)) console.log('EXTRA  ', e);
for (const m of missing.slice(0, 60)) console.log('MISSING', m);
}
