import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db } from '../../../src/db/connection.js';
import type { EncodingOption } from '../../../src/config/types.js';
import { openSource, type OpenedSource } from '../../../src/ingest/readers/index.js';

export const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'xuncha-readers-test-'));
process.on('exit', () => fs.rmSync(tmpRoot, { recursive: true, force: true }));

export function tmpFile(name: string, content: string | Buffer): string {
  const p = path.join(tmpRoot, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

export interface Loaded {
  src: OpenedSource;
  rowsRead: number;
  rows: Array<Record<string, string | number | null>>;
  /** rows as arrays [_row, _error, c1..cn] */
  cells: Array<Array<string | number | null>>;
}

export async function open(file: string, o: { encoding?: EncodingOption; sheet?: string | number } = {}): Promise<OpenedSource> {
  return openSource({
    table: 'person',
    path: file,
    displayPath: path.basename(file),
    encoding: o.encoding ?? 'auto',
    ...(o.sheet !== undefined ? { sheet: o.sheet } : {}),
  });
}

export async function load(
  file: string,
  o: { headerRow: number; ncols: number; encoding?: EncodingOption; sheet?: string | number; db?: Db },
): Promise<Loaded> {
  const db = o.db ?? (await Db.open(':memory:', { threads: 2 }));
  const src = await open(file, o);
  try {
    const { rowsRead } = await src.load(db, { stageTable: 'stage', headerRow: o.headerRow, ncols: o.ncols });
    const rows = await db.all<Record<string, string | number | null>>('select * from stage order by _row');
    const cells = rows.map((r) => [r._row, r._error, ...Array.from({ length: o.ncols }, (_, i) => r[`c${i + 1}`] ?? null)]);
    return { src, rowsRead, rows, cells };
  } finally {
    await src.close();
    if (!o.db) db.close();
  }
}

/** rows_read = rows after the header + header and rows above it */
export function assertAccounting(l: Loaded, headerRow: number): void {
  if (l.rows.length + headerRow !== l.rowsRead) {
    throw new Error(`accounting: ${l.rows.length} staged + ${headerRow} header/title rows != rowsRead ${l.rowsRead}`);
  }
  l.rows.forEach((r, i) => {
    if (r._row !== headerRow + i + 1) throw new Error(`row numbers not contiguous at ${i}: ${r._row}`);
  });
}
