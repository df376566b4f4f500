/**
 * The parts of an .xlsx package, found the way OOXML (ECMA-376 Part 2, Open Packaging Conventions) defines them:
 * `_rels/.rels` names the workbook part (officeDocument relationship); the workbook's own relationships part
 * (`<dir>/_rels/<name>.rels`) maps each `<sheet r:id>` to its worksheet part, and names the shared strings and
 * styles parts. Targets are URIs relative to the source part's folder (`worksheets/sheet1.xml`, `../x.xml`) or
 * absolute from the package root (`/xl/worksheets/sheet1.xml`, as openpyxl and pandas write them); part names
 * compare case-insensitively. Sheet names and order come from workbook.xml only — never from part file names.
 *
 * The small parts read whole here (rels, workbook.xml, styles.xml) are inflated under a fixed cap and the
 * engine's ratio limit, so a zip bomb in workbook.xml fails in milliseconds instead of filling memory.
 */
import { badWorkbook } from './diagnostics.js';
import { INFLATE_GRACE_BYTES, type ReaderLimits } from './limits.js';
import { readZipDirectory, readZipEntryLimited, type InflateLimits, type ZipEntry } from './zip.js';
import { xlsxPartTooLarge } from './xlsx-diagnostics.js';
import { ZipLimitError } from './zip.js';

export interface WorkbookSheet {
  name: string;
  /** zip entry name of the sheet part; null when the relationship is missing */
  path: string | null;
  hidden: boolean;
  /** 'worksheet' holds cells; 'chartsheet'/'dialogsheet'/'macrosheet' tabs hold none */
  kind?: string;
}

export interface XlsxPackage {
  file: string;
  displayPath: string;
  entries: Map<string, ZipEntry>;
  workbookPath: string;
  sheets: WorkbookSheet[];
  sharedStringsPath: string | null;
  stylesPath: string | null;
  date1904: boolean;
}

/** whole-read parts (rels, workbook.xml, styles.xml) never need more than this */
export const SMALL_PART_MAX_BYTES = 64 * 1024 * 1024;

export function xmlDecode(s: string): string {
  if (s.indexOf('&') === -1) return s;
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      case 'amp':
        return '&';
    }
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** attributes of one start tag; names keep their prefix (`r:id`) */
export function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1]] = xmlDecode(m[2] ?? m[3] ?? '');
  return out;
}

/** local name of a possibly prefixed XML name (`x:sheet` → `sheet`) */
const local = (n: string) => n.slice(n.indexOf(':') + 1);

/** start tags of elements with this local name, any prefix */
function tags(xml: string, name: string): Record<string, string>[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>`, 'g');
  return [...xml.matchAll(re)].map((m) => attrs(m[0]));
}

/** Resolve a relationship target against its source part (both zip-style names without a leading '/'). */
export function resolveTarget(sourcePart: string, target: string): string {
  let t = target.trim().replace(/\\/g, '/');
  try {
    t = decodeURIComponent(t);
  } catch {
    /* keep as written */
  }
  t = t.replace(/[?#].*$/, '');
  const base = t.startsWith('/') ? [] : sourcePart.split('/').slice(0, -1);
  for (const seg of t.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') base.pop();
    else base.push(seg);
  }
  return base.join('/');
}

function relsPartOf(part: string): string {
  const i = part.lastIndexOf('/');
  return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
}

interface Rel {
  id: string;
  type: string;
  target: string;
}

export function openXlsxPackage(file: string, displayPath: string, limits: ReaderLimits): XlsxPackage {
  let entries: Map<string, ZipEntry>;
  try {
    entries = readZipDirectory(file);
  } catch (e) {
    throw badWorkbook(displayPath, 'ingest.bad_xlsx', (e as Error).message);
  }
  // OPC part names are case-insensitive; zip names of well-formed packages match exactly
  const lower = new Map<string, ZipEntry>();
  for (const [k, v] of entries) lower.set(k.toLowerCase(), v);
  const find = (part: string): ZipEntry | undefined => entries.get(part) ?? lower.get(part.toLowerCase());
  const small: InflateLimits = { maxBytes: SMALL_PART_MAX_BYTES, maxRatio: limits.maxInflateRatio, graceBytes: INFLATE_GRACE_BYTES };
  const read = (part: string): string | null => {
    const e = find(part);
    if (!e) return null;
    try {
      return readZipEntryLimited(file, e, small).toString('utf8');
    } catch (err) {
      if (err instanceof ZipLimitError) throw xlsxPartTooLarge(displayPath, part, err, limits);
      throw badWorkbook(displayPath, 'ingest.bad_xlsx', (err as Error).message);
    }
  };
  const rels = (part: string): Rel[] => {
    const xml = read(relsPartOf(part));
    if (!xml) return [];
    return tags(xml, 'Relationship')
      .filter((a) => a.Id && a.Target && (a.TargetMode ?? '').toLowerCase() !== 'external')
      .map((a) => ({ id: a.Id, type: a.Type ?? '', target: resolveTarget(part, a.Target) }));
  };
  const ofType = (list: Rel[], t: string) => list.find((r) => r.type.endsWith(`/${t}`));

  const docRel = ofType(rels(''), 'officeDocument');
  let workbookPath = docRel && find(docRel.target) ? find(docRel.target)!.name : 'xl/workbook.xml';
  if (!find(workbookPath)) throw badWorkbook(displayPath, 'ingest.bad_xlsx', 'no workbook part (xl/workbook.xml)');
  workbookPath = find(workbookPath)!.name;
  const xml = read(workbookPath)!;
  const wbRels = rels(workbookPath);
  const byId = new Map(wbRels.map((r) => [r.id, r]));
  const sheets: WorkbookSheet[] = [];
  for (const a of tags(xml, 'sheet')) {
    const rid = Object.entries(a).find(([k]) => local(k) === 'id' && k.includes(':'))?.[1] ?? a.id;
    const rel = rid ? byId.get(rid) : undefined;
    const entry = rel ? find(rel.target) : undefined;
    const kind = rel ? rel.type.slice(rel.type.lastIndexOf('/') + 1) : 'worksheet';
    sheets.push({ name: a.name ?? '', path: entry ? entry.name : null, hidden: a.state === 'hidden' || a.state === 'veryHidden', kind });
    if (rel && !entry) throw badWorkbook(displayPath, 'ingest.bad_xlsx', `missing part ${rel.target}`);
  }
  if (!sheets.length) throw badWorkbook(displayPath, 'ingest.bad_xlsx', 'the workbook has no sheets');
  const wbPr = tags(xml, 'workbookPr')[0];
  const date1904 = !!wbPr && (wbPr.date1904 === '1' || wbPr.date1904 === 'true');
  const sst = ofType(wbRels, 'sharedStrings');
  const styles = ofType(wbRels, 'styles');
  return {
    file,
    displayPath,
    entries,
    workbookPath,
    sheets,
    sharedStringsPath: sst && find(sst.target) ? find(sst.target)!.name : null,
    stylesPath: styles && find(styles.target) ? find(styles.target)!.name : null,
    date1904,
  };
}

/** styles.xml → for each cellXfs index, is its number format a date/time? */
export function readStyles(pkg: XlsxPackage, limits: ReaderLimits, isDateFormat: (f: string | number) => boolean): boolean[] {
  if (!pkg.stylesPath) return [];
  const e = pkg.entries.get(pkg.stylesPath)!;
  let xml: string;
  try {
    xml = readZipEntryLimited(pkg.file, e, { maxBytes: SMALL_PART_MAX_BYTES, maxRatio: limits.maxInflateRatio, graceBytes: INFLATE_GRACE_BYTES }).toString('utf8');
  } catch (err) {
    if (err instanceof ZipLimitError) throw xlsxPartTooLarge(pkg.displayPath, pkg.stylesPath, err, limits);
    throw badWorkbook(pkg.displayPath, 'ingest.bad_xlsx', (err as Error).message);
  }
  const custom = new Map<number, string>();
  for (const a of tags(xml, 'numFmt')) if (a.numFmtId != null) custom.set(Number(a.numFmtId), a.formatCode ?? '');
  const m = /<(?:[\w.-]+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?cellXfs>/.exec(xml);
  if (!m) return [];
  return tags(m[1], 'xf').map((a) => {
    const id = Number(a.numFmtId ?? 0);
    const code = custom.get(id);
    return code != null ? isDateFormat(code) : isDateFormat(id);
  });
}
