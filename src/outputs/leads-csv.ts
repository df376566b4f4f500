/**
 * leads.csv (SPEC §2.3, §5): UTF-8 with a BOM (so Excel opens it as UTF-8), the header exactly the SPEC §5
 * columns, CRLF line ends (RFC 4180, what Excel writes), RFC 4180 quoting (DuckDB COPY), NULL as an empty cell.
 * Rows are ordered by score desc, lead_id: the same database gives the same bytes.
 *
 * Formula guard (SPEC §7, OWASP ASVS 1.2.10): every text cell whose first character is = + - @ TAB CR or NUL —
 * also after leading spaces, since some importers trim — gets a leading `'`. Numeric cells (score, amount) are
 * never touched, so a negative amount stays a number. Full-width ＝ is left as is (no spreadsheet evaluates it).
 *
 * DuckDB COPY writes the body (fast for 100k+ leads; no row loop in JS); the BOM is prepended by streaming.
 */
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/connection.js';
import { quoteLiteral } from '../db/quote.js';
import { LEAD_COLUMNS } from '../leads/assemble.js';

const NUMERIC_COLUMNS = new Set(['score', 'amount', 'period_start', 'period_end']);

/** SQL expression guarding one text value against formula injection. */
export function formulaGuardSql(expr: string): string {
  return `case when regexp_matches(${expr}, '^[ \\x{3000}]*[=+\\-@\\t\\r\\x{0}]') then '''' || ${expr} else ${expr} end`;
}

/** The same guard in TypeScript (XLSX text is typed as text anyway; used for tests and small outputs). */
export function formulaGuard(value: string): string {
  return /^[ \u3000]*[=+\-@\t\r\0]/.test(value) ? `'${value}` : value;
}

export function leadsCsvSelectSql(table = 'leads'): string {
  const cols = LEAD_COLUMNS.map((c) => (NUMERIC_COLUMNS.has(c) ? `"${c}"` : `${formulaGuardSql(`"${c}"`)} as "${c}"`));
  return `select ${cols.join(', ')} from ${table} order by score desc, lead_id`;
}

/** The temp file DuckDB COPYs the body to (a run allows exactly this path in its sandbox: db/sandbox.ts). */
export function leadsCsvBodyPath(file: string): string {
  return `${file}.body.tmp`;
}

export async function writeLeadsCsv(db: Db, file: string): Promise<{ rows: number }> {
  const body = leadsCsvBodyPath(file);
  try {
    // COPY cannot bind its target: quoteLiteral is the one escape.
    await db.run(
      `copy (${leadsCsvSelectSql()}) to ${quoteLiteral(body)} (format csv, header true, delimiter ',', quote '"', escape '"', new_line '\\r\\n')`,
      undefined,
      'write leads.csv',
    );
    const out = createWriteStream(file);
    out.write('\uFEFF');
    await pipeline(createReadStream(body), out);
  } finally {
    rmSync(body, { force: true });
  }
  const n = await db.scalar<string>(`select count(*) from leads`, undefined, 'count leads');
  return { rows: Number(n) };
}
