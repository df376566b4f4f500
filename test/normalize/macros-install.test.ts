/** The macro file installs every contracted macro and can be installed twice (CREATE OR REPLACE). */
import { describe, expect, it } from 'vitest';
import { installMacros } from '../../src/normalize/macros.js';
import { openMacroDb } from './sql-helpers.js';

const CONTRACT = [
  'xc_is_blank', 'xc_halfwidth', 'xc_norm_id', 'xc_id_valid', 'xc_id_birth', 'xc_id_sex', 'xc_norm_name', 'xc_parse_date',
  'xc_is_open_date', 'xc_parse_money', 'xc_parse_number', 'xc_norm_account', 'xc_norm_period', 'xc_parse_month',
];

describe('normalize.sql', () => {
  it('installs every macro of the contract, twice without error, and types results as documented', async () => {
    const db = await openMacroDb();
    try {
      await installMacros(db);
      const names = (await db.all<{ n: string }>(`select distinct function_name as n from duckdb_functions() where function_name like 'xc\\_%' escape '\\'`)).map((r) => r.n);
      for (const m of CONTRACT) expect(names, m).toContain(m);
      const types = await db.all<Record<string, string>>(
        `select typeof(xc_parse_date('2023-03-05')) as d, typeof(xc_parse_money('1.5')) as m, typeof(xc_parse_number('1.5')) as n,
                typeof(xc_id_birth('110101199003078670')) as b, typeof(xc_id_valid('x')) as v, typeof(xc_is_open_date('x')) as o`,
      );
      expect(types[0]).toEqual({ d: 'DATE', m: 'DECIMAL(18,2)', n: 'DOUBLE', b: 'DATE', v: 'BOOLEAN', o: 'BOOLEAN' });
      // validity and open-date are never NULL, even for NULL input
      expect(await db.all(`select xc_id_valid(NULL::VARCHAR) as v, xc_is_open_date(NULL::VARCHAR) as o, xc_is_blank(NULL::VARCHAR) as b`)).toEqual([
        { v: false, o: false, b: true },
      ]);
    } finally {
      db.close();
    }
  });

  it('works set-based on a table column (region lookup as a subquery inside the macro)', async () => {
    const db = await openMacroDb();
    try {
      await db.run(`create table t as select * from (values ('110101199003078670'), ('11010119900307867X'), (NULL), ('150102880730303')) v(s)`);
      const rows = await db.all(`select xc_norm_id(s) as id, xc_id_valid(xc_norm_id(s)) as ok from t order by all nulls last`);
      expect(rows).toEqual([
        { id: '110101199003078670', ok: true },
        { id: '11010119900307867X', ok: false },
        { id: '150102198807303035', ok: true },
        { id: null, ok: false },
      ]);
    } finally {
      db.close();
    }
  });

  it('gives the same answers whatever the argument column is called (lambda parameters cannot capture it)', async () => {
    const db = await openMacroDb();
    try {
      const rows = await db.all(
        `select xc_norm_period(c) as p1, xc_norm_period(s) as p2, xc_parse_money(t) as m1, xc_parse_money(s) as m2,
                xc_parse_date(y) as d1, xc_parse_date(s) as d2, xc_norm_id(n) as i1, xc_norm_id(s) as i2
         from (select ' 2023年第一季度 ' as s, s as c, s as t, s as y, s as n
               union all select '（1,234.50）', '（1,234.50）', '（1,234.50）', '（1,234.50）', '（1,234.50）')`,
      );
      for (const r of rows as Record<string, unknown>[]) {
        expect(r.p1).toBe(r.p2);
        expect(r.m1).toBe(r.m2);
        expect(r.d1).toBe(r.d2);
        expect(r.i1).toBe(r.i2);
      }
      expect((rows as Record<string, unknown>[])[0].p1).toBe('2023年第一季度');
    } finally {
      db.close();
    }
  });
});
