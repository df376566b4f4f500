/**
 * Character-level helpers shared by the normalizers. Mirrors of xc_halfwidth / xc_is_blank / xc__trim in
 * sql/macros/normalize.sql: keep both in step (test/normalize/sql-ts-agree.test.ts checks they agree).
 */

/** Whitespace or invisible: ASCII whitespace, Unicode space separators, control and format characters. */
export const INVISIBLE = String.raw`[\s\p{Z}\p{Cc}\p{Cf}]`;

const FULLWIDTH = /[\uFF01-\uFF5E\u3000]/g;
const BLANK = new RegExp(`^${INVISIBLE}*$`, 'u');
const EDGES = new RegExp(`^${INVISIBLE}+|${INVISIBLE}+$`, 'gu');

/** Full-width ASCII forms U+FF01–U+FF5E → ASCII, U+3000 → space; everything else unchanged. */
export function halfwidth(s: string): string {
  return s.replace(FULLWIDTH, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** true for null/undefined, '' and text made only of whitespace or invisible characters (incl. U+3000). */
export function isBlank(s: string | null | undefined): boolean {
  return s == null || BLANK.test(s);
}

/** Leading and trailing whitespace/invisible characters removed. */
export function trimInvisible(s: string): string {
  return s.replace(EDGES, '');
}
