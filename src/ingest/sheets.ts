/**
 * Sheet choice above the readers (SPEC §3.2): which sheet(s) of a workbook a source reads.
 *
 * - `sheet:` given (name or index): that sheet, as before.
 * - no `sheet:` and one visible sheet: that sheet.
 * - no `sheet:` and several: each visible sheet is opened and its header matched; the sheet that maps every
 *   required field with the most fields wins (ties: the first in tab order). Empty sheets, cover and note sheets are
 *   passed over and the manifest says which sheet was taken and why the others were not. When no sheet maps the
 *   required fields, the error of the best-matching sheet is raised, naming the sheets looked at.
 * - `sheet: all`: every visible sheet is stacked; a sheet is passed over when it is empty, has no header, or lacks
 *   required fields while matching under half as many fields as the best sheet (a 汇总 or 说明 sheet); a sheet that
 *   looks like the others but lacks a required field is an error (its rows would otherwise be lost silently).
 * - `sheet: [a, b]`: exactly those sheets, each must load.
 * Only the narrow reader seam is used: `openSource({ ...spec, sheet })`, `preview()`, `sheetNames`.
 */
import type { SourceSpec } from '../config/types.js';
import { UserError, diag } from '../errors.js';
import { bestHeaderScore, detectHeader, type DetectOptions, type HeaderResult } from './map-headers.js';
import { openSource, type OpenedSource, type ReaderLimits } from './readers/index.js';

export interface SheetPick {
  opened: OpenedSource;
  preview: string[][];
  header: HeaderResult;
  /** the spec this sheet is read with (`sheet` set when a sheet was chosen) */
  spec: SourceSpec;
}

export interface PassedOver {
  sheet: string;
  reason: string;
}

export interface SheetPlan {
  picks: SheetPick[];
  passedOver: PassedOver[];
  /** true when the rows carry `file[sheet]` in _source_file */
  stacked: boolean;
}

type Detect = (preview: string[][], sheet: string | null) => HeaderResult;

interface Tried {
  name: string;
  /** the workbook's visible sheets, as the reader listed them */
  names?: string[];
  opened?: OpenedSource;
  preview?: string[][];
  header?: HeaderResult;
  error?: UserError;
  empty?: boolean;
  score: number;
}

export const PREVIEW_ROWS = 200;

async function tryOpen(
  spec: SourceSpec,
  name: string | number | undefined,
  detect: Detect,
  previewRows: number,
  scoreOpts: Omit<DetectOptions, 'file'>,
  limits: ReaderLimits,
): Promise<Tried> {
  const s: SourceSpec = name === undefined ? spec : { ...spec, sheet: name };
  let opened: OpenedSource;
  try {
    opened = await openSource(s, limits);
  } catch (e) {
    if (e instanceof UserError && e.diagnostics.some((d) => d.code === 'ingest.empty_file')) return { name: String(name ?? ''), empty: true, score: -1, error: e };
    throw e;
  }
  const label = opened.sheet ?? String(name ?? '');
  const names = opened.sheetNames;
  let preview: string[][];
  try {
    // header detection looks at most max_columns + 1 cells a row: a 220,000-field line costs no more than that
    preview = (await opened.preview(previewRows)).map((r) => (r.length > limits.maxColumns + 1 ? r.slice(0, limits.maxColumns + 1) : r));
  } catch (e) {
    await opened.close();
    if (e instanceof UserError && e.diagnostics.some((d) => d.code === 'ingest.empty_file')) return { name: label, names, empty: true, score: -1, error: e };
    throw e;
  }
  try {
    const header = detect(preview, opened.sheet);
    return { name: label, names, opened, preview, header, score: 1000 + Object.keys(header.mapping).length };
  } catch (e) {
    if (!(e instanceof UserError)) {
      await opened.close();
      throw e;
    }
    return { name: label, names, opened, preview, error: e, score: bestHeaderScore(preview, { ...scoreOpts, file: spec.displayPath, sheet: opened.sheet }) };
  }
}

function reasonOf(t: Tried, best?: Tried): string {
  if (t.empty) return '空工作表/empty';
  const code = t.error?.diagnostics[0]?.code;
  if (code === 'ingest.header_not_found') return '没有找到表头/no header';
  if (code === 'ingest.missing_required_column') return '缺少必需的列/lacks required columns';
  if (best && t.header) return `表头匹配的字段较少（${Object.keys(t.header.mapping).length}，所选工作表 ${Object.keys(best.header!.mapping).length}）/fewer fields matched`;
  return t.error ? (t.error.diagnostics[0]?.zh ?? 'error') : 'not chosen';
}

function withSheetsNote(err: UserError, file: string, tried: Tried[], best: Tried): UserError {
  if (tried.length < 2) return err;
  const list = tried.map((t) => `「${t.name}」${t.empty ? '（空）' : ''}`).join('、');
  return new UserError([
    ...err.diagnostics,
    diag(
      'ingest.sheets_tried',
      `${file} 的工作表 ${list} 都已查看，没有一个能完整对应所需的列；以上是表头最接近的工作表「${best.name}」的问题。请用 sheet: 指定工作表，或用 columns: 指定列名。`,
      `Every sheet of ${file} was tried (${tried.map((t) => t.name).join(', ')}); none maps the required columns. Above: the problems of the closest sheet, "${best.name}". Set sheet: or map headers with columns:.`,
      { file },
    ),
  ]);
}

export async function planSheets(spec: SourceSpec, detect: Detect, scoreOpts: Omit<DetectOptions, 'file'>, limits: ReaderLimits): Promise<SheetPlan> {
  const previewRows = Math.max(PREVIEW_ROWS, (spec.header_row ?? 0) + 2);
  // explicit single sheet, or a format without sheets
  if (spec.sheets === undefined && spec.sheet !== undefined) {
    const t = await tryOpen(spec, undefined, detect, previewRows, scoreOpts, limits);
    if (t.error) {
      await t.opened?.close();
      throw t.error;
    }
    return { picks: [{ opened: t.opened!, preview: t.preview!, header: t.header!, spec }], passedOver: [], stacked: false };
  }
  const first = await tryOpen(spec, undefined, detect, previewRows, scoreOpts, limits);
  const names = first.names;
  const closeAll = async (ts: Tried[]) => {
    for (const t of ts) await t.opened?.close();
  };

  if (spec.sheets === undefined) {
    // no sheet given: the first visible sheet, unless the workbook has others that match better
    if (!names || names.length < 2) {
      if (first.error) {
        await first.opened?.close();
        throw first.error;
      }
      return { picks: [{ opened: first.opened!, preview: first.preview!, header: first.header!, spec }], passedOver: [], stacked: false };
    }
    const tried: Tried[] = [first];
    let best = first;
    for (const name of names) {
      if (name === first.name) continue;
      const t = await tryOpen(spec, name, detect, previewRows, scoreOpts, limits);
      tried.push(t);
      if (t.score > best.score) {
        if (best !== t) await best.opened?.close();
        best = t;
      } else await t.opened?.close();
    }
    if (best.error) {
      await closeAll([best]);
      throw withSheetsNote(best.error, spec.displayPath, tried, best);
    }
    const passedOver = tried.filter((t) => t !== best).map((t) => ({ sheet: t.name, reason: reasonOf(t, best) }));
    return { picks: [{ opened: best.opened!, preview: best.preview!, header: best.header!, spec: { ...spec, sheet: best.name } }], passedOver, stacked: false };
  }

  // stacked sheets
  if (!names) {
    await closeAll([first]);
    throw new UserError(
      diag('pipeline.sheet_not_excel', `sheet: all 或工作表列表只适用于 Excel 文件，而 ${spec.displayPath} 不是 Excel 文件。`, `sheet: all or a list of sheets applies to Excel files only; ${spec.displayPath} is not one.`, {
        file: spec.displayPath,
      }),
    );
  }
  const wanted: (string | number)[] = spec.sheets === 'all' ? names : spec.sheets;
  const tried: Tried[] = [];
  for (const w of wanted) {
    if (spec.sheets === 'all' && w === first.name) {
      tried.push(first);
      continue;
    }
    tried.push(await tryOpen(spec, w, detect, previewRows, scoreOpts, limits));
  }
  if (!tried.includes(first)) await first.opened?.close();
  if (spec.sheets !== 'all') {
    const bad = tried.find((t) => t.error);
    if (bad) {
      await closeAll(tried);
      throw bad.error!;
    }
    return { picks: tried.map((t) => ({ opened: t.opened!, preview: t.preview!, header: t.header!, spec: { ...spec, sheet: t.name } })), passedOver: [], stacked: true };
  }
  const ok = tried.filter((t) => t.header);
  const bestScore = Math.max(0, ...ok.map((t) => Object.keys(t.header!.mapping).length));
  const passedOver: PassedOver[] = [];
  for (const t of tried) {
    if (t.header) continue;
    const code = t.error?.diagnostics[0]?.code;
    // a sheet that looks like the loaded ones but lacks a required column is an error, not a silent skip
    if (code === 'ingest.missing_required_column' && t.score >= bestScore / 2 && ok.length) {
      await closeAll(tried);
      throw t.error!;
    }
    passedOver.push({ sheet: t.name, reason: reasonOf(t) });
  }
  if (!ok.length) {
    const best = tried.reduce((a, b) => (b.score > a.score ? b : a));
    await closeAll(tried);
    throw withSheetsNote(best.error!, spec.displayPath, tried, best);
  }
  for (const t of tried) if (!t.header) await t.opened?.close();
  return { picks: ok.map((t) => ({ opened: t.opened!, preview: t.preview!, header: t.header!, spec: { ...spec, sheet: t.name } })), passedOver, stacked: true };
}
