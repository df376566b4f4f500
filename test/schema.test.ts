import { describe, expect, it } from 'vitest';
import { Db } from '../src/db/connection.js';
import { CANONICAL_TABLE_NAMES, TABLES, canonicalColumns, createTableSql, normalizeHeader } from '../src/schema/canonical-tables.js';

describe('canonical schema', () => {
  it('creates every canonical table empty in DuckDB', async () => {
    const db = await Db.open();
    try {
      for (const t of CANONICAL_TABLE_NAMES) await db.run(createTableSql(t));
      const cols = await db.all<{ column_name: string }>(
        `select column_name from information_schema.columns where table_name = 'subsidy' order by ordinal_position`,
      );
      expect(cols.map((c) => c.column_name)).toEqual(canonicalColumns('subsidy').map((c) => c.name));
    } finally {
      db.close();
    }
  });

  it('has no alias that maps to two fields of one table', () => {
    for (const t of CANONICAL_TABLE_NAMES) {
      const seen = new Map<string, string>();
      for (const f of [...TABLES[t].fields, ...(TABLES[t].alternates ?? [])]) {
        for (const a of f.aliases) {
          const k = normalizeHeader(a);
          expect(seen.get(k) ?? f.name, `${t}: alias ${a}`).toBe(f.name);
          seen.set(k, f.name);
        }
      }
    }
  });

  it('normalizes headers: case, spaces, full-width and * marks', () => {
    expect(normalizeHeader('*身份证号　')).toBe('身份证号');
    expect(normalizeHeader('姓 名')).toBe('姓名');
    expect(normalizeHeader('身份证号Ａ')).toBe('身份证号a');
    expect(normalizeHeader('\uFEFF乡镇（街道）')).toBe('乡镇(街道)');
  });
});
