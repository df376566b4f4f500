/** `xuncha notebook NOTEBOOK.md --db DIR/xuncha.duckdb [--out FILE]` (SPEC §2.5). */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { renderNotebook } from '../../notebook/render-notebook.js';
import { recoverOutputFolder } from '../../outputs/folder.js';
import { EXIT } from '../exit.js';

export async function notebookCommand(notebook: string, opts: { db: string; out?: string }): Promise<number> {
  if (!existsSync(notebook)) throw userError('notebook.not_found', `找不到笔记本文件 ${notebook}。`, `Notebook not found: ${notebook}.`, { file: notebook });
  // a run killed in the middle of its commit: finish it before reading the database
  recoverOutputFolder(dirname(resolve(opts.db)));
  if (!existsSync(opts.db))
    throw userError('notebook.db_not_found', `找不到数据库 ${opts.db}。请先运行 xuncha run 生成它。`, `Database not found: ${opts.db}. Run xuncha run first.`, { file: opts.db });
  const out = resolve(opts.out ?? join(dirname(opts.db), basename(notebook).replace(/\.md$/i, '') + '.html'));
  await renderNotebook(resolve(notebook), resolve(opts.db), out);
  process.stderr.write(`笔记本/notebook: ${out}\n`);
  return EXIT.ok;
}
