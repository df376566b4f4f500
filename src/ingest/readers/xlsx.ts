/**
 * XLSX reader. The package is read the way OOXML defines it (xlsx-package.ts): relationships from `_rels/.rels`
 * and the workbook's rels part, absolute or relative targets, sheet names and order from workbook.xml — so a
 * workbook written by openpyxl, pandas, SheetJS, WPS or the .NET SDK loads the tab that was asked for. Each part is
 * inflated as a stream under the engine's size and ratio limits (zip bombs stop at once), and the sheet XML is
 * parsed by saxes into rows (xlsx-sheet.ts) that are spooled to a temp CSV (spooled.ts): memory does not grow with
 * the sheet. Rows and cells without `r`, prefixed element names and merged ranges are handled there.
 */
import type { SourceSpec } from '../../config/types.js';
import { isDateFormat, type MergeRange } from './cell-format.js';
import { badWorkbook, emptyFile, sheetNotFound } from './diagnostics.js';
import { DEFAULT_LIMITS, type ReaderLimits } from './limits.js';
import { RowSpool, SpooledSource, type SpoolResult } from './spooled.js';
import { openXlsxPackage, readStyles, type WorkbookSheet, type XlsxPackage } from './xlsx-package.js';
import { readSharedStrings, readSheetRows } from './xlsx-sheet.js';
import { xlsxPartTooLarge } from './xlsx-diagnostics.js';
import { ZipLimitError } from './zip.js';

export type { WorkbookSheet } from './xlsx-package.js';

/** The workbook's tabs in order, with their names from workbook.xml (and whether each is hidden). */
export function listXlsxSheets(file: string, displayPath: string, limits: ReaderLimits = DEFAULT_LIMITS): { sheets: WorkbookSheet[]; date1904: boolean } {
  const pkg = openXlsxPackage(file, displayPath, limits);
  return { sheets: pkg.sheets, date1904: pkg.date1904 };
}

/** Resolve spec.sheet (name or 1-based index; default first) against the workbook's sheet list. */
export function pickSheet(names: string[], wanted: string | number | undefined, displayPath: string, hidden: boolean[] = []): number {
  // default: the first sheet an analyst sees (the first visible tab)
  if (wanted === undefined || wanted === null || wanted === '') return Math.max(0, hidden.findIndex((h) => !h));
  if (typeof wanted === 'number' || /^\d+$/.test(String(wanted).trim())) {
    const byName = names.indexOf(String(wanted));
    if (typeof wanted === 'string' && byName >= 0) return byName;
    const i = Number(wanted);
    if (i >= 1 && i <= names.length) return i - 1;
    throw sheetNotFound(displayPath, typeof wanted === 'number' ? wanted : String(wanted), names);
  }
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const norm = (s: string) => s.replace(/\s|\u3000/g, '').toLowerCase();
  const loose = names.findIndex((n) => norm(n) === norm(wanted));
  if (loose >= 0) return loose;
  throw sheetNotFound(displayPath, wanted, names);
}

export class XlsxSource extends SpooledSource {
  readonly format = 'xlsx' as const;
  protected readonly errorPrefix = 'xlsx';

  private constructor(
    readonly spec: SourceSpec,
    private pkg: XlsxPackage,
    private part: WorkbookSheet,
    limits: ReaderLimits,
  ) {
    super();
    this.sheet = part.name;
    this.limits = limits;
  }

  static async open(spec: SourceSpec, limits: ReaderLimits = DEFAULT_LIMITS): Promise<XlsxSource> {
    const pkg = openXlsxPackage(spec.path, spec.displayPath, limits);
    const sheets = pkg.sheets;
    const i = pickSheet(
      sheets.map((s) => s.name),
      spec.sheet,
      spec.displayPath,
      sheets.map((s) => s.hidden),
    );
    return new XlsxSource(spec, pkg, sheets[i], limits);
  }

  protected emptyError(): Error {
    return emptyFile(this.spec.displayPath, this.sheet ?? undefined);
  }

  protected async spool(spool: RowSpool): Promise<SpoolResult> {
    const part = this.part;
    if (!part.path) throw badWorkbook(this.spec.displayPath, 'ingest.bad_xlsx', `sheet "${part.name}" has no worksheet part`);
    // a chart sheet (or dialog sheet) is a tab without cells
    if (part.kind && part.kind !== 'worksheet') return { merges: [] };
    let merges: MergeRange[];
    try {
      const sst = await readSharedStrings(this.pkg, this.limits);
      const dateStyles = readStyles(this.pkg, this.limits, isDateFormat);
      ({ merges } = await readSheetRows(this.pkg, part.path, { limits: this.limits, sst, dateStyles }, {
        row: (rowNo, cells, overflow) => spool.row(rowNo, cells, false, overflow),
      }));
    } catch (e) {
      if ((e as { diagnostics?: unknown }).diagnostics) throw e;
      if (e instanceof ZipLimitError) throw xlsxPartTooLarge(this.spec.displayPath, e.entry, e, this.limits);
      throw badWorkbook(this.spec.displayPath, 'ingest.bad_xlsx', (e as Error).message);
    }
    return { merges };
  }
}
